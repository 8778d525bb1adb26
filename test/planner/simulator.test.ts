import { spawn } from 'node:child_process';
import path from 'node:path';
import { request } from 'undici';
import { PlannerClient, PlannerStreamError } from '../../activities/planner/client';
import { startPlannerSimulator, type PlannerSimulator } from '../../simulators/planner';
import { eventually, watch, type Watch } from './support';

const TOKEN = 'simulator-token';

let sim: PlannerSimulator;
const watches: Watch[] = [];

beforeEach(async () => {
  sim = await startPlannerSimulator({ token: TOKEN, resendIntervalMs: 100 });
});

afterEach(async () => {
  for (const watched of watches.splice(0)) watched.abort.abort();
  await sim.close();
});

function stream(flavor: string, url = sim.url): Watch {
  const watched = watch(new PlannerClient({ baseUrl: url, token: TOKEN }), flavor);
  watches.push(watched);
  return watched;
}

async function call(method: 'GET' | 'PUT' | 'DELETE', target: string, body?: unknown, token?: string) {
  const response = await request(`${sim.url}${target}`, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe('planner simulator: pressure API', () => {
  test('answers the one-shot request with the current value', async () => {
    sim.setPressure('small', 3);
    expect(await call('GET', '/api/v1/flavors/small/pressure', undefined, TOKEN)).toMatchObject({
      status: 200,
      body: { small: 3 },
    });
  });

  test('refuses a missing or wrong bearer token with 401 and a JSON error', async () => {
    sim.setPressure('small', 3);
    for (const token of [undefined, 'wrong']) {
      const answer = await call('GET', '/api/v1/flavors/small/pressure?stream=true', undefined, token);
      expect(answer).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer' } });
      expect(answer.body.error).toEqual(expect.any(String));
    }
    expect(sim.stats.requests).toEqual({ 401: 2 });
  });

  test('answers 404 for an unknown flavor and for unknown paths', async () => {
    expect((await call('GET', '/api/v1/flavors/nope/pressure', undefined, TOKEN)).status).toBe(404);
    expect((await call('GET', '/api/v2/flavors/nope/pressure', undefined, TOKEN)).status).toBe(404);
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
    expect(body.streams).toEqual([
      { id: 1, flavor: 'small', openedAt: expect.any(Number), linesWritten: expect.any(Number) },
    ]);
  });
});

describe('planner simulator: capacity and process', () => {
  // Many streams at once, each re-sent to. The thousand streams of the scale benchmark (npm run bench --
  // scale) are its capacity check: a load figure belongs to a benchmark, and a thousand streams inside a
  // long jest process proved sensitive to what earlier suites left running.
  test('holds 200 concurrent streams, re-sending to all of them', async () => {
    sim.setPressure('small', 1);
    const client = new PlannerClient({ baseUrl: sim.url, token: TOKEN });
    const all = Array.from({ length: 200 }, () => {
      const watched = watch(client, 'small');
      watches.push(watched);
      return watched;
    });
    await eventually(() => all.every((watched) => watched.values.length >= 2), 'a value and a re-send on each', 20_000);
    expect(sim.stats.connectionsOpen).toBe(200);
    await sim.close();
    const failures = await Promise.all(all.map((watched) => watched.failure));
    expect(failures.every((err) => (err as PlannerStreamError).kind === 'transient')).toBe(true);
  });

  test('runs as its own process, driven through the control API', async () => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', 'simulators/planner.ts', '--port', '0', '--token', TOKEN, '--pressure', 'small=3'],
      { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8');
        child.stdout.once('data', (text: string) => resolve(text.trim()));
        child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const small = stream('small', url);
      await eventually(() => small.values.length === 1, 'the seeded value', 10_000);
      const answer = await request(`${url}/control/flavors/small/pressure`, {
        method: 'PUT',
        body: JSON.stringify({ pressure: 8 }),
      });
      await answer.body.dump();
      expect(answer.statusCode).toBe(200);
      await eventually(() => small.values.at(-1) === 8, 'the value set through the control API');
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
