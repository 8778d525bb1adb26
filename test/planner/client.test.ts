import { PlannerClient } from '../../activities/planner/client';
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
      'missing-flavor': 0,
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
    sim.faults.malformedEvery = 1;
    sim.setPressure('small', 1);
    const small = stream(client, 'small');
    await eventually(() => small.values.length === 1, 'the connect value');
    // Each value line is followed by the next odd line: the connect value, then one per change.
    for (let value = 2; value <= MALFORMED_KINDS.length; value += 1) sim.setPressure('small', value);
    await eventually(() => small.lines === 2 * MALFORMED_KINDS.length, 'every value and odd line');
    expect(sim.stats.malformedWritten).toEqual(Object.fromEntries(MALFORMED_KINDS.map((kind) => [kind, 1])));
    // The split line is the last odd kind: a valid repeat of the last value.
    const values = MALFORMED_KINDS.map((_kind, i) => i + 1);
    expect(small.values).toEqual([...values, MALFORMED_KINDS.length]);
    expect(client.skipped).toEqual({
      'malformed-json': 1,
      'not-an-object': 1,
      'missing-flavor': 1,
      'not-a-non-negative-integer': 4,
      'line-too-long': 1,
    });
    sim.faults.malformedEvery = undefined;
    sim.setPressure('small', 42);
    await eventually(() => small.values.at(-1) === 42, 'a value after the odd lines');
  });

  test.each<[string, 'unauthorized' | 'not-found' | 'transient', number, string, (sim: PlannerSimulator) => void]>([
    ['a wrong token', 'unauthorized', 401, 'wrong-token', () => {}],
    ['a forced 403', 'unauthorized', 403, TOKEN, (sim) => (sim.faults.status = 403)],
    ['an unknown flavor', 'not-found', 404, TOKEN, (sim) => sim.removeFlavor('small')],
    ['errorRate 1', 'transient', 503, TOKEN, (sim) => (sim.faults.errorRate = 1)],
    ['a forced 500', 'transient', 500, TOKEN, (sim) => (sim.faults.status = 500)],
    ['a forced 302', 'transient', 302, TOKEN, (sim) => (sim.faults.status = 302)],
  ])('%s is %s (HTTP %d)', async (_name, kind, status, token, fault) => {
    const { sim } = await start();
    sim.setPressure('small', 1);
    fault(sim);
    const client = new PlannerClient({ baseUrl: sim.url, token });
    const err = await failureOf(stream(client, 'small'));
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
    expect(err.message).toContain(`HTTP ${status}`);
    expect(err.message).not.toContain(token);
    expect(sim.stats.requests).toEqual({ [status]: 1 });
  });

  test('a dropped connection is transient, after the lines written before the drop', async () => {
    const { sim, client } = await start({ resendIntervalMs: 20 });
    sim.faults.dropAfterLines = 3;
    sim.setPressure('small', 4);
    const small = stream(client, 'small');
    const err = await failureOf(small);
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/connection lost/);
    expect(small.values).toEqual([4, 4, 4]);
  });

  test('the planner ending the stream is transient; the next connection finds the flavor gone', async () => {
    const { sim, client } = await start();
    sim.setPressure('small', 4);
    const small = stream(client, 'small');
    await eventually(() => small.values.length === 1, 'the value');
    sim.removeFlavor('small');
    const err = await failureOf(small);
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/ended the stream/);
    expect((await failureOf(stream(client, 'small'))).kind).toBe('not-found');
  });

  test('a stream that never sends a line is transient after stallTimeoutMs', async () => {
    const { sim, client } = await start();
    sim.setPressure('small', 4);
    sim.faults.stall = true;
    const err = await failureOf(stream(client, 'small', 300));
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/stalled, no line for 300 ms/);
    await eventually(() => sim.stats.connectionsOpen === 0, 'the stalled connection to close', 1_000);
  });

  test('a stream that goes quiet is transient; re-sends alone keep it alive until then', async () => {
    const { sim, client } = await start({ resendIntervalMs: 50 });
    sim.setPressure('small', 4);
    const small = stream(client, 'small', 300);
    await sleep(1_000);
    expect(small.values.length).toBeGreaterThan(5);
    sim.faults.stall = true;
    const err = await failureOf(small);
    expect(err.kind).toBe('transient');
    expect(err.message).toMatch(/stalled/);
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
    await sleep(500);
    expect(sim.stats.connectionsOpened).toBe(0);
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
    await sleep(100);
    expect(sim.stats.requests).toEqual({});
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
