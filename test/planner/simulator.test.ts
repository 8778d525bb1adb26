import { request } from 'undici';
import { PlannerClient, PlannerStreamError } from '../../activities/planner/client';
import { startPlannerSimulator, type PlannerSimulator } from '../../simulators/planner';
import { call as plainCall, eventually, trackedRawStreams, watch, type Watch } from './support';

const TOKEN = 'simulator-token';

let sim: PlannerSimulator;
const watches: Watch[] = [];
const raws = trackedRawStreams();

beforeEach(async () => {
  sim = await startPlannerSimulator({ token: TOKEN, resendIntervalMs: 100 });
});

afterEach(async () => {
  for (const watched of watches.splice(0)) watched.abort.abort();
  raws.closeAll();
  await sim.close();
});

function stream(flavor: string, url = sim.url): Watch {
  const watched = watch(new PlannerClient({ baseUrl: url, token: TOKEN }), flavor);
  watches.push(watched);
  return watched;
}

async function call(method: 'GET' | 'PUT' | 'POST' | 'DELETE', target: string, body?: unknown, token?: string) {
  const response = await request(`${sim.url}${target}`, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.body.text();
  const json = String(response.headers['content-type']).startsWith('application/json');
  return { status: response.statusCode, headers: response.headers, body: json && text ? JSON.parse(text) : text };
}

const api = (flavor: string, query = '') => `${sim.url}/api/v1/flavors/${encodeURIComponent(flavor)}/pressure${query}`;

describe('planner simulator: pressure API', () => {
  test('answers the one-shot request with the current value', async () => {
    sim.setPressure('small', 3);
    expect(await call('GET', '/api/v1/flavors/small/pressure', undefined, TOKEN)).toMatchObject({
      status: 200,
      body: { small: 3 },
    });
  });

  // The real planner compares `stream` with "true" ignoring case: `stream=1` is the one-shot JSON.
  test.each([
    ['stream=true', true],
    ['stream=TRUE', true],
    ['stream=True', true],
    ['stream=1', false],
    ['stream=yes', false],
    ['stream=', false],
  ])('?%s streams: %s', async (query, streams) => {
    sim.setPressure('small', 3);
    if (streams) {
      const raw = raws.open(api('small', `?${query}`), TOKEN);
      await eventually(() => raw.lines.length >= 1, 'the first line');
      expect(raw.headers?.['content-type']).toBe('application/x-ndjson');
      // The 100 ms keep-alive ticker may have rewritten the value (or doubled a held tick) by now.
      expect(new Set(raw.lines)).toEqual(new Set(['{"small":3}']));
    } else {
      const answer = await plainCall(api('small', `?${query}`), { token: TOKEN });
      expect(answer).toMatchObject({ status: 200, text: '{"small":3}' });
      expect(answer.headers['content-type']).toBe('application/json');
    }
  });

  test('HEAD answers the head alone', async () => {
    sim.setPressure('small', 3);
    expect(await plainCall(api('small'), { method: 'HEAD', token: TOKEN })).toMatchObject({ status: 200, text: '' });
    expect(await plainCall(api('small', '?stream=true'), { method: 'HEAD', token: TOKEN })).toMatchObject({
      status: 200,
      text: '',
    });
    expect(sim.stats.connectionsOpened).toBe(0);
  });

  // Each error as the real planner answers it: text/plain, a trailing newline, these bodies and headers.
  const bearer = `Bearer ${TOKEN}`;
  test.each<{
    name: string;
    authorization?: string;
    method?: string;
    fault?: (sim: PlannerSimulator) => void;
    status: number;
    body: string;
    headers?: Record<string, string>;
  }>([
    { name: 'no Authorization header', status: 400, body: 'invalid authorization header' },
    { name: 'a Basic header', authorization: 'Basic dXNlcjpwYXNz', status: 400, body: 'invalid authorization header' },
    { name: 'a bare token', authorization: TOKEN, status: 400, body: 'invalid authorization header' },
    {
      name: 'a wrong token',
      authorization: 'Bearer wrong',
      status: 401,
      body: 'unauthorized',
      headers: { 'www-authenticate': 'Bearer' },
    },
    {
      name: 'an unknown flavor',
      authorization: bearer,
      fault: (s) => s.removeFlavor('small'),
      status: 404,
      body: 'flavor not found',
    },
    {
      name: 'its database down',
      authorization: bearer,
      fault: (s) => (s.faults.databaseDown = true),
      status: 500,
      body: 'failed to verify auth token',
    },
    {
      name: 'an internal error',
      authorization: bearer,
      fault: (s) => (s.faults.status = 500),
      status: 500,
      body: 'internal server error',
    },
    ...['POST', 'PUT', 'DELETE'].map((method) => ({
      name: `a ${method}`,
      authorization: bearer,
      method,
      status: 405,
      body: 'method not allowed',
      headers: { allow: 'GET, HEAD' },
    })),
  ])('$name: HTTP $status $body', async ({ authorization, method, fault, status, body, headers = {} }) => {
    sim.setPressure('small', 3);
    fault?.(sim);
    for (const query of ['', '?stream=true']) {
      const answer = await plainCall(api('small', query), { method, authorization });
      expect(answer.status).toBe(status);
      expect(answer.text).toBe(`${body}\n`);
      expect(answer.headers['content-type']).toMatch(/^text\/plain\b/);
      expect(answer.headers).toMatchObject(headers);
    }
    expect(sim.stats.requests).toEqual({ [status]: 2 });
  });

  test('unknown paths answer a 404 of their own, not "flavor not found"', async () => {
    const answer = await plainCall(`${sim.url}/api/v2/flavors/small/pressure`, { token: TOKEN });
    expect(answer).toMatchObject({ status: 404, text: 'not found\n' });
  });

  test('an injected status with echoAuthorization quotes the header back in the body', async () => {
    sim.setPressure('small', 3);
    Object.assign(sim.faults, { status: 401, echoAuthorization: true });
    const answer = await plainCall(api('small'), { token: TOKEN });
    expect(answer).toMatchObject({ status: 401, text: `unauthorized (authorization: Bearer ${TOKEN})\n` });
    expect(answer.headers['www-authenticate']).toBe('Bearer');
  });
});

describe('planner simulator: control API', () => {
  test('PUT /control/flavors/{name}/pressure sets a value that open streams see', async () => {
    sim.setPressure('gpu large', 1);
    const gpu = stream('gpu large');
    await eventually(() => gpu.values.length >= 1, 'the first value');
    expect(await call('PUT', '/control/flavors/gpu%20large/pressure', { pressure: 7 })).toMatchObject({
      status: 200,
      body: { 'gpu large': 7 },
    });
    await eventually(() => gpu.values.at(-1) === 7, 'the new value');
  });

  test.each([
    ['not JSON', '{"pressure": '],
    ['no pressure', {}],
    ['a negative pressure', { pressure: -1 }],
    ['a fractional pressure', { pressure: 1.5 }],
    ['a string pressure', { pressure: '3' }],
    ['an array', [3]],
  ])('PUT pressure with %s is a 400', async (_name, body) => {
    const answer = await call('PUT', '/control/flavors/small/pressure', body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual(expect.any(String));
    expect((await call('GET', '/api/v1/flavors/small/pressure', undefined, TOKEN)).status).toBe(404);
  });

  test('DELETE /control/flavors/{name} forgets the flavor', async () => {
    sim.setPressure('small', 2);
    expect((await call('DELETE', '/control/flavors/small')).status).toBe(204);
    expect((await call('GET', '/api/v1/flavors/small/pressure', undefined, TOKEN)).status).toBe(404);
  });

  test('PUT /control/faults drives the faults; null turns one off', async () => {
    sim.setPressure('small', 2);
    const patched = await call('PUT', '/control/faults', { status: 404, latencyMs: 10, malformedKinds: ['negative'] });
    expect(patched).toMatchObject({ status: 200, body: { status: 404, latencyMs: 10, malformedKinds: ['negative'] } });
    expect(sim.faults).toMatchObject({ status: 404, latencyMs: 10, malformedKinds: ['negative'] });
    const refused = await stream('small').failure;
    expect(refused).toBeInstanceOf(PlannerStreamError);
    expect((refused as PlannerStreamError).kind).toBe('not-found');
    await call('PUT', '/control/faults', { status: null });
    expect(sim.faults.status).toBeUndefined();
    const small = stream('small');
    await eventually(() => small.values.length >= 1, 'a value once the fault is off');
    expect((await call('GET', '/control/faults')).body).toMatchObject({ latencyMs: 10, errorRate: 0, stall: false });
  });

  test.each([
    ['an unknown fault', { slowness: 1 }],
    ['an errorRate above 1', { errorRate: 1.5 }],
    ['a status out of range', { status: 99 }],
    ['dropAfterLines 0', { dropAfterLines: 0 }],
    ['an unknown malformed kind', { malformedKinds: ['nonsense'] }],
    ['a non-boolean stall', { stall: 'yes' }],
    ['a valid fault next to an invalid one', { latencyMs: 5, errorRate: -1 }],
  ])('PUT /control/faults with %s is a 400 and changes nothing', async (_name, patch) => {
    const before = structuredClone(sim.faults);
    expect((await call('PUT', '/control/faults', patch)).status).toBe(400);
    expect(sim.faults).toEqual(before);
  });

  test('GET /control/stats reports streams, lines and requests', async () => {
    sim.setPressure('small', 2);
    const small = stream('small');
    await eventually(() => small.values.length >= 2, 'a value and a re-send');
    const { body } = await call('GET', '/control/stats');
    expect(body).toMatchObject({ connectionsOpened: 1, connectionsOpen: 1, requests: { 200: 1 } });
    expect(body.linesWritten).toBeGreaterThanOrEqual(2);
    expect(body.ticks).toBeGreaterThanOrEqual(1);
    expect(body.streams).toEqual([
      expect.objectContaining({
        id: 1,
        flavor: 'small',
        openedAt: expect.any(Number),
        linesWritten: expect.any(Number),
        keepAlives: expect.any(Number),
      }),
    ]);
  });

  test('PUT /control/flavors/{name} defines labels and a minimum; POST and PUT /control/jobs move the pressure', async () => {
    expect(await call('PUT', '/control/flavors/small', { labels: ['small'], minimumPressure: 1 })).toMatchObject({
      status: 200,
      body: { small: 1 },
    });
    const small = stream('small');
    await eventually(() => small.values.at(-1) === 1, 'the minimum');
    for (const id of [1, 2]) {
      expect(await call('POST', '/control/jobs', { id, labels: ['self-hosted', 'small'] })).toMatchObject({
        status: 201,
        body: { flavor: 'small' },
      });
    }
    expect((await call('POST', '/control/jobs', { id: 3, labels: ['gpu'] })).body).toEqual({ flavor: null });
    await eventually(() => small.values.at(-1) === 2, 'two jobs');
    expect((await call('PUT', '/control/jobs/1', { status: 'completed' })).status).toBe(204);
    await eventually(() => small.values.at(-1) === 1, 'one job left');
    expect(sim.pressure('small')).toBe(1);
  });

  test.each([
    ['PUT flavors/small', 'PUT', '/control/flavors/small', { labels: 'small' }],
    ['PUT flavors/small', 'PUT', '/control/flavors/small', { minimumPressure: -1 }],
    ['POST jobs', 'POST', '/control/jobs', { id: 1 }],
    ['POST jobs', 'POST', '/control/jobs', { id: 'one', labels: [] }],
    ['PUT jobs/x', 'PUT', '/control/jobs/x', { status: 'completed' }],
    ['PUT jobs/1', 'PUT', '/control/jobs/1', { status: 'done' }],
    ['PUT tokens', 'PUT', '/control/tokens', { tokens: [''] }],
    ['PUT tokens', 'PUT', '/control/tokens', { tokens: 'abc' }],
  ] as const)('%s with a bad body is a 400', async (_name, method, target, body) => {
    const answer = await call(method, target, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual(expect.any(String));
  });

  test('PUT /control/tokens swaps the accepted tokens for new connections', async () => {
    sim.setPressure('small', 1);
    expect((await call('PUT', '/control/tokens', { tokens: ['next-token'] })).status).toBe(204);
    expect((await call('GET', '/api/v1/flavors/small/pressure', undefined, TOKEN)).status).toBe(401);
    expect((await call('GET', '/api/v1/flavors/small/pressure', undefined, 'next-token')).status).toBe(200);
  });
});

describe('planner simulator: capacity', () => {
  // Many streams at once, each re-sent to. The thousand streams of the scale benchmark (npm run bench --
  // scale) are its capacity check: a load figure belongs to a benchmark, and a thousand streams inside a
  // long jest process proved sensitive to what earlier suites left running.
  test('holds 200 concurrent streams, the shared ticker reaching each of them', async () => {
    // A 5 ms period: the round robin comes back to each of the 200 streams once a second.
    await sim.close();
    sim = await startPlannerSimulator({ token: TOKEN, resendIntervalMs: 5 });
    sim.setPressure('small', 1);
    const client = new PlannerClient({ baseUrl: sim.url, token: TOKEN });
    const all = Array.from({ length: 200 }, () => {
      const watched = watch(client, 'small');
      watches.push(watched);
      return watched;
    });
    await eventually(
      () => all.every((watched) => watched.values.length >= 2),
      'a value and a keep-alive on each',
      20_000,
    );
    expect(sim.stats.connectionsOpen).toBe(200);
    await sim.close();
    const failures = await Promise.all(all.map((watched) => watched.failure));
    expect(failures.every((err) => (err as PlannerStreamError).kind === 'lost')).toBe(true);
  });
});
