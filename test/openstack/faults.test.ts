import { request } from 'undici';
import { createOpenStackClient, OpenStackError, type OpenStackClientOptions } from '../../activities/openstack';
import { startOpenStackSimulator, type OpenStackSimulator } from '../../simulators/openstack';

let sim: OpenStackSimulator;
afterEach(() => sim?.close());

const SPEC = { image: 'ubuntu-24.04', flavor: 'm1.small', network: 'runners-net' };
const LIST = { service: 'compute', method: 'GET', route: '/servers/detail' } as const;
const CREATE = { service: 'compute', method: 'POST', route: '/servers' } as const;

async function setup(options: OpenStackClientOptions = {}) {
  sim = await startOpenStackSimulator();
  const client = createOpenStackClient(sim.credentials, { retry: { baseDelayMs: 20 }, ...options });
  await client.listServers(); // token, microversion and a first connection out of the way
  sim.resetStats();
  return client;
}

function rejection(promise: Promise<unknown>): Promise<OpenStackError> {
  return promise.then(
    () => Promise.reject(new Error('expected a failure')),
    (err) => err,
  );
}

describe('5xx', () => {
  test.each([500, 503])('a %i on a GET is retried', async (status) => {
    const client = await setup();
    sim.setFaults({ ...LIST, errorRate: 1, errorStatus: status, maxFaults: 2 });
    expect(await client.listServers()).toEqual([]);
    expect(sim.stats.calls['compute GET /servers/detail']).toBe(3);
    expect(client.stats().retries).toBe(2);
  });

  test.each([
    [500, 'server-error'],
    [503, 'unavailable'],
  ])('a %i on POST /servers is surfaced as retryable, never repeated blindly', async (status, kind) => {
    const client = await setup();
    sim.setFaults({ ...CREATE, errorRate: 1, errorStatus: status, maxFaults: 1 });
    const err = await rejection(client.createServer({ ...SPEC, name: 'r-1' }));
    expect(err).toBeInstanceOf(OpenStackError);
    expect(err).toMatchObject({ status, kind, retryable: true });
    expect(sim.stats.createRequests).toEqual([
      { name: 'r-1', at: expect.any(Number), answeredAt: expect.any(Number), status },
    ]);
    await client.createServer({ ...SPEC, name: 'r-1' });
    expect(sim.servers()).toHaveLength(1);
  });

  test('a GET that keeps failing ends, bounded, in a retryable error', async () => {
    const client = await setup({ retry: { baseDelayMs: 20, maxAttempts: 3 } });
    sim.setFaults({ ...LIST, errorRate: 1, errorStatus: 503 });
    const err = await rejection(client.listServers());
    expect(err).toMatchObject({ status: 503, retryable: true });
    expect(err.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/compute\/v2\.1\/servers\/detail: 503 simulated failure$/,
    );
    expect(sim.stats.calls['compute GET /servers/detail']).toBe(3);
  });

  test('a 503 from Keystone is retried: asking for a token twice is harmless', async () => {
    sim = await startOpenStackSimulator();
    sim.setFaults({ service: 'identity', errorRate: 1, errorStatus: 503, maxFaults: 1 });
    const client = createOpenStackClient(sim.credentials, { retry: { baseDelayMs: 20 } });
    await client.listServers();
    expect(sim.stats.calls['identity POST /v3/auth/tokens']).toBe(2);
    expect(sim.stats.tokensIssued).toBe(1);
  });
});

describe('429', () => {
  test('Retry-After is honoured, for a POST too (the cloud did not act)', async () => {
    const client = await setup();
    sim.setFaults({ ...CREATE, rateLimitRate: 1, retryAfterSeconds: 1, maxFaults: 1 });
    const started = Date.now();
    await client.createServer({ ...SPEC, name: 'r-1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sim.stats.createRequests.map((c) => c.status)).toEqual([429, 202]);
    expect(sim.servers()).toHaveLength(1);
  });

  test('a Retry-After beyond the wait cap is thrown at once, retryable, with the pause asked for', async () => {
    const client = await setup();
    sim.setFaults({ ...LIST, rateLimitRate: 1, retryAfterSeconds: 30 });
    const started = Date.now();
    const err = await rejection(client.listServers());
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err).toMatchObject({ kind: 'rate-limited', status: 429, retryable: true, retryAfterMs: 30_000 });
  });

  test('a rate limit that does not lift ends after the bounded attempts', async () => {
    const client = await setup({ retry: { maxAttempts: 3 } });
    sim.setFaults({ ...LIST, rateLimitRate: 1, retryAfterSeconds: 1 });
    const err = await rejection(client.listServers());
    expect(err).toMatchObject({ kind: 'rate-limited', retryable: true });
    expect(sim.stats.calls['compute GET /servers/detail']).toBe(3);
  });
});

describe('dropped connections', () => {
  test('a GET is retried', async () => {
    const client = await setup();
    sim.setFaults({ ...LIST, dropRate: 1, maxFaults: 1 });
    expect(await client.listServers()).toEqual([]);
    expect(sim.stats.faults.drop).toBe(1);
    expect(client.stats().retries).toBe(1);
  });

  test('a POST is surfaced as a retryable network error', async () => {
    const client = await setup();
    sim.setFaults({ ...CREATE, dropRate: 1, maxFaults: 1 });
    const err = await rejection(client.createServer({ ...SPEC, name: 'r-1' }));
    expect(err).toMatchObject({ name: 'OpenStackError', kind: 'network', retryable: true });
    expect(sim.stats.createRequests).toEqual([
      { name: 'r-1', at: expect.any(Number), answeredAt: expect.any(Number), status: 'dropped' },
    ]);
    expect(sim.servers()).toEqual([]);
  });

  test('a POST cut off after it took effect: the caller finds the server by name', async () => {
    const client = await setup();
    sim.setFaults({ ...CREATE, dropRate: 1, dropAfterHandling: true, maxFaults: 1 });
    await expect(client.createServer({ ...SPEC, name: 'r-1' })).rejects.toMatchObject({ retryable: true });
    expect((await client.findServerByName('r-1'))?.name).toBe('r-1');
  });

  test('a DELETE whose answer was lost is repeated and reports the server gone', async () => {
    const client = await setup();
    const { id } = await client.createServer({ ...SPEC, name: 'r-1' });
    sim.setFaults({ service: 'compute', method: 'DELETE', dropRate: 1, dropAfterHandling: true, maxFaults: 1 });
    expect(await client.deleteServer(id)).toBe('gone');
    expect(sim.servers()).toEqual([]);
  });
});

describe('latency', () => {
  test('is added to each request in scope', async () => {
    const client = await setup();
    sim.setFaults({ ...LIST, latencyMs: 150 });
    const started = Date.now();
    await client.listServers();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(sim.stats.faults.latency).toBe(1);
  });

  test('past the client timeout, a GET fails as a retryable network error', async () => {
    // undici checks its timeouts about once a second.
    const client = await setup({ timeoutMs: 100, retry: { maxAttempts: 1 } });
    sim.setFaults({ ...LIST, latencyMs: 2500 });
    await expect(client.listServers()).rejects.toMatchObject({ kind: 'network', retryable: true });
  });
});

test('faults can be driven over HTTP', async () => {
  const client = await setup();
  const put = async (body: unknown) => {
    const response = await request(`${sim.baseUrl}/control/faults`, { method: 'PUT', body: JSON.stringify(body) });
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
  };
  expect(await put({ errorRate: 2 })).toEqual({ status: 400, body: { error: 'errorRate must be in [0, 1]' } });
  expect(await put({ nonsense: 1 })).toEqual({ status: 400, body: { error: 'unknown fault setting "nonsense"' } });
  const { status, body } = await put({ ...CREATE, method: 'post', errorRate: 1, errorStatus: 500, maxFaults: 1 });
  expect(status).toBe(200);
  expect(body).toMatchObject({ method: 'POST', errorRate: 1, maxFaults: 1, latencyMs: 0 });
  expect(sim.faults.errorRate).toBe(1);
  await expect(client.createServer({ ...SPEC, name: 'r-1' })).rejects.toMatchObject({ status: 500 });
  expect(sim.faults.maxFaults).toBe(0);
  const stats = await request(`${sim.baseUrl}/control/stats`);
  expect(await stats.body.json()).toMatchObject({ calls: { 'compute POST /servers': 1 }, faults: { error: 1 } });
});

describe('slow boots', () => {
  const statusOf = (name: string) => sim.servers().find((server) => server.name === name)?.status;

  test('setBootDelay lengthens BUILD for servers made from then on, in process and over /control', async () => {
    const client = await setup();
    sim.setBootDelay(5_000);
    await client.createServer({ ...SPEC, name: 'slow-1' });
    const put = (body: unknown) =>
      request(`${sim.baseUrl}/control/boot-delay`, { method: 'PUT', body: JSON.stringify(body) });
    expect((await put({ ms: 0 })).statusCode).toBe(204);
    await client.createServer({ ...SPEC, name: 'slow-2' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Boots keep creation order: the second waits behind the first, which is still in BUILD.
    expect([statusOf('slow-1'), statusOf('slow-2')]).toEqual(['BUILD', 'BUILD']);
    expect((await put({ ms: -1 })).statusCode).toBe(400);
    expect((await put({})).statusCode).toBe(400);
  });

  test('a short delay boots at once after it', async () => {
    const client = await setup();
    sim.setBootDelay(50);
    await client.createServer({ ...SPEC, name: 'quick-1' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(statusOf('quick-1')).toBe('ACTIVE');
  });
});
