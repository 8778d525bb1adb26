import { PlannerClient } from '../../activities/planner/client';
import { createWorkerMetrics } from '../../worker/metrics/worker-metrics';
import {
  MALFORMED_KINDS,
  startPlannerSimulator,
  type PlannerSimulator,
  type PlannerSimulatorOptions,
} from '../../simulators/planner';
import { eventually, sleep, streamFailure, trackedStreams, type Watch } from './support';

const TOKEN = 'planner-secret-token-0123';

let simulator: PlannerSimulator | undefined;
const streams = trackedStreams();
const stream = streams.stream;

async function start(options: PlannerSimulatorOptions = {}): Promise<{ sim: PlannerSimulator; client: PlannerClient }> {
  simulator = await startPlannerSimulator({ token: TOKEN, ...options });
  return { sim: simulator, client: new PlannerClient({ baseUrl: simulator.url, token: TOKEN }) };
}

const failureOf = (watched: Watch) => streamFailure(watched, TOKEN);

afterEach(async () => {
  streams.abortAll();
  await simulator?.close();
  simulator = undefined;
});

describe('PlannerClient against the planner simulator', () => {
  test('delivers the value on connect, each change and every re-send', async () => {
    const { sim, client } = await start({ resendIntervalMs: 50 });
    sim.setPressure('small', 3);
    const small = stream(client, 'small');
    await eventually(() => small.values.length >= 2, 'the value and a re-send');
    sim.setPressure('small', 5);
    await eventually(() => small.values.filter((value) => value === 5).length >= 3, 'the change and two re-sends');
    const firstFive = small.values.indexOf(5);
    expect(small.values.slice(0, firstFive).every((value) => value === 3)).toBe(true);
    expect(small.values.slice(firstFive).every((value) => value === 5)).toBe(true);
    expect(small.lines).toBeGreaterThanOrEqual(small.values.length);
    expect(client.skipped).toEqual({
      'malformed-json': 0,
      'not-an-object': 0,
      'not-a-non-negative-integer': 0,
      'line-too-long': 0,
    });
  });

  test('URL-encodes the flavor name', async () => {
    const { sim, client } = await start();
    const flavor = 'gpu/a100 größe?x=1#';
    sim.setPressure(flavor, 2);
    sim.setPressure('gpu', 9);
    const gpu = stream(client, flavor);
    await eventually(() => gpu.values.length === 1, 'the value');
    expect(gpu.values).toEqual([2]);
  });

  test('skips and counts every malformed kind, and the stream goes on', async () => {
    const { sim, client } = await start({ resendIntervalMs: 3_600_000 });
    // A line without the flavor is no junk to skip: it ends the stream (the next tests).
    const skippable = MALFORMED_KINDS.filter((kind) => kind !== 'missing-flavor');
    Object.assign(sim.faults, { malformedEvery: 1, malformedKinds: skippable });
    sim.setPressure('small', 1);
    const small = stream(client, 'small');
    await eventually(() => small.values.length === 1, 'the connect value');
    // Each value line is followed by the next odd line: the connect value, then one per change.
    for (let value = 2; value <= skippable.length; value += 1) sim.setPressure('small', value);
    await eventually(() => small.lines === 2 * skippable.length, 'every value and odd line');
    expect(sim.stats.malformedWritten).toEqual(Object.fromEntries(skippable.map((kind) => [kind, 1])));
    // The split line is the last odd kind: a valid repeat of the last value.
    const values = skippable.map((_kind, i) => i + 1);
    expect(small.values).toEqual([...values, skippable.length]);
    expect(client.skipped).toEqual({
      'malformed-json': 1,
      'not-an-object': 1,
      'not-a-non-negative-integer': 4,
      'line-too-long': 1,
    });
    sim.faults.malformedEvery = undefined;
    sim.setPressure('small', 42);
    await eventually(() => small.values.at(-1) === 42, 'a value after the odd lines');
  });

  test('a deleted flavor: its {} line ends the open stream as flavor-missing, counted; the next connect is not-found', async () => {
    const metrics = createWorkerMetrics();
    const { sim } = await start();
    const client = new PlannerClient({
      baseUrl: sim.url,
      token: TOKEN,
      onFlavorMissingLine: (flavor) => metrics.plannerFlavorMissingLines.inc({ flavor }),
    });
    sim.setPressure('small', 4);
    const small = stream(client, 'small');
    await eventually(() => small.values.length === 1, 'the value');
    sim.removeFlavor('small');
    const err = await failureOf(small);
    expect(err.kind).toBe('flavor-missing');
    expect(await metrics.registry.metrics()).toContain('planner_flavor_missing_lines_total{flavor="small"} 1');
    const again = await failureOf(stream(client, 'small'));
    expect(again).toMatchObject({ kind: 'not-found', status: 404 });
    expect(again.message).toContain('HTTP 404 flavor not found (no such flavor at the planner)');
  });

  test("an injected line without the flavor's key on an open stream is flavor-missing too", async () => {
    const missing: string[] = [];
    const { sim } = await start();
    const client = new PlannerClient({ baseUrl: sim.url, token: TOKEN, onFlavorMissingLine: (f) => missing.push(f) });
    Object.assign(sim.faults, { malformedEvery: 1, malformedKinds: ['missing-flavor'] });
    sim.setPressure('small', 4);
    const err = await failureOf(stream(client, 'small'));
    expect(err.kind).toBe('flavor-missing');
    expect(missing).toEqual(['small']);
  });

  test('flavor _ (every flavor at once) holds no value under its own name: not-found at the first line', async () => {
    const { sim, client } = await start();
    sim.setPressure('small', 4);
    const err = await failureOf(stream(client, '_'));
    expect(err.kind).toBe('not-found');
    expect(err.message).toMatch(/lines hold no value for this flavor/);
  });

  // Every refusal the real planner sends (and two a gateway would), as the client classifies it.
  test.each<[string, 'unauthorized' | 'not-found' | 'transient', number, string, (sim: PlannerSimulator) => void]>([
    ['a wrong token', 'unauthorized', 401, 'unauthorized', () => {}],
    ['a refused header', 'unauthorized', 400, 'invalid authorization header', (sim) => (sim.faults.status = 400)],
    ['a forced 403', 'unauthorized', 403, 'forbidden', (sim) => (sim.faults.status = 403)],
    ['an unknown flavor', 'not-found', 404, 'flavor not found', (sim) => sim.removeFlavor('small')],
    ['its database down', 'transient', 500, 'failed to verify auth token', (sim) => (sim.faults.databaseDown = true)],
    ['an internal error', 'transient', 500, 'internal server error', (sim) => (sim.faults.status = 500)],
    ['a 405', 'transient', 405, 'method not allowed', (sim) => (sim.faults.status = 405)],
    ['errorRate 1', 'transient', 503, 'service unavailable', (sim) => (sim.faults.errorRate = 1)],
    ['a forced 302', 'transient', 302, 'found', (sim) => (sim.faults.status = 302)],
  ])('%s is %s (HTTP %d %s)', async (name, kind, status, body, fault) => {
    const { sim } = await start();
    sim.setPressure('small', 1);
    fault(sim);
    const token = name === 'a wrong token' ? 'wrong-token' : TOKEN;
    const client = new PlannerClient({ baseUrl: sim.url, token });
    const err = await failureOf(stream(client, 'small'));
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
    expect(err.message).toContain(`HTTP ${status} ${body}`);
    expect(err.message).not.toContain(token);
    expect(sim.stats.requests).toEqual({ [status]: 1 });
  });

  test('a dropped open stream is lost, after the lines written before the drop', async () => {
    const { sim, client } = await start({ resendIntervalMs: 20 });
    sim.faults.dropAfterLines = 3;
    sim.setPressure('small', 4);
    const small = stream(client, 'small');
    const err = await failureOf(small);
    expect(err.kind).toBe('lost');
    expect(err.message).toMatch(/connection lost/);
    expect(small.values).toEqual([4, 4, 4]);
  });

  test('a stream that sends no value is a failed connect (transient) after connectTimeoutMs', async () => {
    const { sim } = await start();
    sim.setPressure('small', 4);
    sim.faults.stall = true;
    const client = new PlannerClient({ baseUrl: sim.url, token: TOKEN, connectTimeoutMs: 300 });
    const err = await failureOf(stream(client, 'small', 60_000));
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/no pressure value within 300 ms/);
    await eventually(() => sim.stats.connectionsOpen === 0, 'the silent connection to close', 1_000);
  });

  test('an open stream that goes quiet is stalled; keep-alives alone keep it alive until then', async () => {
    const { sim, client } = await start({ resendIntervalMs: 50 });
    sim.setPressure('small', 4);
    const small = stream(client, 'small', 300);
    // Twenty keep-alives are a second, three stall periods: the stream lived on them alone.
    await eventually(() => small.values.length > 20, 'twenty keep-alives');
    expect(small.values.length).toBeGreaterThan(5);
    sim.faults.stall = true;
    const err = await failureOf(small);
    expect(err.kind).toBe('stalled');
    expect(err.message).toMatch(/stalled, no line for 300 ms/);
    await eventually(() => sim.stats.connectionsOpen === 0, 'the stalled connection to close', 1_000);
  });

  test('the token function is called at each connect: a rotated token is used on the next one', async () => {
    const { sim } = await start();
    sim.setPressure('small', 4);
    let current = TOKEN;
    let reads = 0;
    const client = new PlannerClient({
      baseUrl: sim.url,
      token: () => {
        reads += 1;
        return current;
      },
    });
    const first = stream(client, 'small');
    await eventually(() => first.values.length === 1, 'the first stream');
    expect(reads).toBe(1);
    sim.setTokens(['rotated-token-0001']);
    current = 'rotated-token-0001';
    sim.setPressure('small', 5);
    await eventually(() => first.values.at(-1) === 5, 'the open stream going on under the revoked token');
    const second = stream(client, 'small');
    await eventually(() => second.values.length === 1, 'the next stream, on the rotated token');
    expect(reads).toBe(2);
    current = TOKEN;
    expect(await failureOf(stream(client, 'small'))).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(reads).toBe(3);
  });

  test.each<[string, () => string, RegExp]>([
    [
      'throws',
      () => {
        throw new Error('ENOENT: no such file /run/secrets/planner');
      },
      /could not be read: ENOENT/,
    ],
    ['answers an empty token', () => '', /empty or holds spaces/],
    ["answers a token with its file's newline", () => `${TOKEN}\n`, /empty or holds spaces/],
  ])('a token function that %s fails as unauthorized, without a request', async (_name, token, message) => {
    const { sim } = await start();
    sim.setPressure('small', 4);
    const err = await failureOf(stream(new PlannerClient({ baseUrl: sim.url, token }), 'small'));
    expect(err.kind).toBe('unauthorized');
    expect(err.message).toMatch(message);
    expect(sim.stats.requests).toEqual({});
  });

  test('abort rejects with its reason, and the simulator sees the connection close within 1 s', async () => {
    const { sim, client } = await start();
    sim.setPressure('small', 4);
    const small = stream(client, 'small');
    await eventually(() => small.values.length === 1 && sim.stats.connectionsOpen === 1, 'an open stream');
    const reason = new Error('worker shutting down');
    const abortedAt = Date.now();
    small.abort.abort(reason);
    expect(await small.failure).toBe(reason);
    const [record] = sim.stats.streams;
    await eventually(() => record.closedAt !== undefined, 'the simulator to see the close', 1_000);
    expect(record.closedAt! - abortedAt).toBeLessThan(1_000);
    expect(sim.stats.connectionsOpen).toBe(0);
  });

  test('abort without a reason rejects with an AbortError', async () => {
    const { sim, client } = await start();
    sim.setPressure('small', 4);
    const small = stream(client, 'small');
    await eventually(() => small.values.length === 1, 'the value');
    small.abort.abort();
    expect(await small.failure).toMatchObject({ name: 'AbortError' });
    await eventually(() => sim.stats.connectionsOpen === 0, 'the simulator to see the close', 1_000);
  });

  test('abort before the response head tears the request down', async () => {
    const { sim, client } = await start();
    sim.setPressure('small', 4);
    sim.faults.latencyMs = 300;
    const small = stream(client, 'small');
    await sleep(50);
    const reason = new Error('cancelled');
    small.abort.abort(reason);
    expect(await small.failure).toBe(reason);
    // A second stream, slowed by the same latency, opens after the first one's latency is over: had the
    // torn-down request gone on, its stream would have opened first.
    const after = stream(client, 'small');
    await eventually(() => after.values.length === 1, 'the second stream’s value');
    expect(sim.stats.connectionsOpened).toBe(1);
  });

  test('an already aborted signal rejects without a request', async () => {
    const { sim, client } = await start();
    sim.setPressure('small', 4);
    const reason = new Error('too late');
    await expect(
      client.streamPressure('small', {
        signal: AbortSignal.abort(reason),
        stallTimeoutMs: 1_000,
        onPressure: () => {},
      }),
    ).rejects.toBe(reason);
    // The next request is the first the planner sees.
    const next = stream(client, 'small');
    await eventually(() => next.values.length === 1, 'the next stream’s value');
    expect(sim.stats.requests).toEqual({ 200: 1 });
  });

  test('no response head within connectTimeoutMs is transient', async () => {
    const { sim } = await start();
    sim.setPressure('small', 4);
    sim.faults.latencyMs = 2_000;
    const client = new PlannerClient({ baseUrl: sim.url, token: TOKEN, connectTimeoutMs: 200 });
    const err = await failureOf(stream(client, 'small'));
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/no response within 200 ms/);
  });

  test('a refused connection is transient', async () => {
    const { sim, client } = await start();
    await sim.close();
    const err = await failureOf(stream(client, 'small'));
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/connection refused/);
  });

  test('an exception from onPressure ends the stream with that exception', async () => {
    const { sim, client } = await start();
    sim.setPressure('small', 4);
    const bug = new Error('bug in the caller');
    await expect(
      client.streamPressure('small', {
        signal: new AbortController().signal,
        stallTimeoutMs: 1_000,
        onPressure: () => {
          throw bug;
        },
      }),
    ).rejects.toBe(bug);
    await eventually(() => sim.stats.connectionsOpen === 0, 'the simulator to see the close', 1_000);
  });

  test('200 concurrent streams on one simulator', async () => {
    const { sim, client } = await start();
    const flavors = ['small', 'medium', 'large', 'gpu'];
    flavors.forEach((flavor, i) => sim.setPressure(flavor, i));
    const all = Array.from({ length: 200 }, (_, i) => stream(client, flavors[i % flavors.length]));
    await eventually(() => all.every((watched) => watched.values.length === 1), 'every first value', 10_000);
    expect(sim.stats.connectionsOpen).toBe(200);
    flavors.forEach((flavor, i) => sim.setPressure(flavor, 10 + i));
    await eventually(
      () => all.every((watched, i) => watched.values.at(-1) === 10 + (i % flavors.length)),
      'every change',
      10_000,
    );
    for (const watched of all) watched.abort.abort();
    await Promise.all(all.map((watched) => watched.failure));
    await eventually(() => sim.stats.connectionsOpen === 0, 'every connection to close');
    expect(sim.stats.connectionsOpened).toBe(200);
  });
});
