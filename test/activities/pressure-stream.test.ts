import {
  ActivityCancellationDetails,
  ApplicationFailure,
  CancelledFailure,
  WorkflowNotFoundError,
} from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlannerFailure } from '../../contracts/activities';
import { PlannerClient, type PlannerClientOptions } from '../../activities/planner/client';
import { MIN_RECONNECT_SPACING_MS } from '../../activities/planner/reconnect-policy';
import { createPressureStreamActivity, type SignalPressure } from '../../activities/pressure-stream';
import { startPlannerSimulator, type PlannerSimulator } from '../../simulators/planner';
import type { PressureSignal } from '../../contracts/definitions';
import { capturingLogger } from '../support/sdk-logger';
import { eventually } from '../support/wait';

/**
 * The pressure-stream activity against the planner simulator over loopback, in the SDK's activity
 * test environment (heartbeats and cancellation are the SDK's own; the signal sink records values).
 */
let planner: PlannerSimulator;
/** A planner whose keep-alives never come within a test: an idle stream there hears only its connect line. */
let quiet: PlannerSimulator;
const token = 'stream-test-token';

beforeAll(async () => {
  planner = await startPlannerSimulator({ token, resendIntervalMs: 50 });
  quiet = await startPlannerSimulator({ token, resendIntervalMs: 3_600_000 });
});
afterAll(async () => {
  await planner.close();
  await quiet.close();
});

function streamHarness(
  signalPressure?: SignalPressure,
  client: Partial<PlannerClientOptions> & { baseUrl: string } = { baseUrl: planner.url },
) {
  const signals: PressureSignal[] = [];
  const activity = createPressureStreamActivity({
    planner: new PlannerClient({ token, ...client }),
    signalPressure: signalPressure ?? (async (_run, signal) => void signals.push(signal)),
  });
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 3000 }, { logger: capturingLogger() });
  return { signals, env, activity };
}

/** The streams a simulator opened for one flavor so far. */
const streamsOf = (sim: PlannerSimulator, flavor: string) => sim.stats.streams.filter((s) => s.flavor === flavor);

test('signals each changed value once, in order, ignoring the planner re-sends', async () => {
  planner.setPressure('steady', 2);
  const { signals, env, activity } = streamHarness();
  const running = env.run(activity, { plannerFlavor: 'steady', streamId: 7, stallTimeoutSeconds: 5 });
  await eventually(
    async () => signals.length,
    (n) => n === 1,
  );
  await eventually(
    async () => streamsOf(planner, 'steady').reduce((sum, s) => sum + s.keepAlives, 0),
    (resends) => resends >= 6,
    { what: 'six re-sends of the same value' },
  );
  planner.setPressure('steady', 5);
  planner.setPressure('steady', 5);
  planner.setPressure('steady', 0);
  await eventually(
    async () => signals.length,
    (n) => n === 3,
  );
  expect(signals).toEqual([
    { streamId: 7, pressure: 2 },
    { streamId: 7, pressure: 5 },
    { streamId: 7, pressure: 0 },
  ]);
  env.cancel();
  await expect(running).rejects.toBeInstanceOf(CancelledFailure);
});

test('cancellation closes the HTTP stream within 1 s', async () => {
  planner.setPressure('cancel-me', 1);
  const { signals, env, activity } = streamHarness();
  const running = env.run(activity, { plannerFlavor: 'cancel-me', streamId: 1, stallTimeoutSeconds: 60 });
  await eventually(
    async () => signals.length,
    (n) => n === 1,
  );
  const cancelledAt = Date.now();
  env.cancel();
  await expect(running).rejects.toBeInstanceOf(CancelledFailure);
  const stream = await eventually(
    async () => planner.stats.streams.find((s) => s.flavor === 'cancel-me'),
    (s) => s?.closedAt !== undefined,
  );
  expect(stream!.closedAt! - cancelledAt).toBeLessThan(1000);
});

test.each([
  [401, PlannerFailure.unauthorized, false],
  [404, PlannerFailure.flavorNotFound, false],
  [503, PlannerFailure.unavailable, true],
])('HTTP %i fails as %s', async (status, type, retryable) => {
  planner.faults.status = status;
  try {
    const { env, activity } = streamHarness();
    const failure = await env
      .run(activity, { plannerFlavor: 'steady', streamId: 1, stallTimeoutSeconds: 5 })
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type, nonRetryable: !retryable });
    expect((failure as Error).message).not.toContain(token);
  } finally {
    planner.faults.status = undefined;
  }
});

test('a stall reconnects at once, the last value kept: silence never fails the stream', async () => {
  quiet.setPressure('idle', 2);
  const { signals, env, activity } = streamHarness(undefined, { baseUrl: quiet.url });
  let settled = false;
  const running = env.run(activity, { plannerFlavor: 'idle', streamId: 3, stallTimeoutSeconds: 0.2 });
  void running.catch(() => undefined).finally(() => (settled = true));
  await eventually(
    async () => streamsOf(quiet, 'idle').length,
    (n) => n >= 4,
    { what: 'three stalls, each reconnected' },
  );
  expect(settled).toBe(false);
  // Each reconnect heard the same value on connect: signalled once.
  expect(signals).toEqual([{ streamId: 3, pressure: 2 }]);
  quiet.setPressure('idle', 5);
  await eventually(
    async () => signals.length,
    (n) => n === 2,
  );
  expect(signals[1]).toEqual({ streamId: 3, pressure: 5 });
  env.cancel();
  await expect(running).rejects.toBeInstanceOf(CancelledFailure);
});

test('a stall whose reconnect is refused fails as unavailable: the failed connect is the outage', async () => {
  quiet.setPressure('refused', 1);
  const { env, activity } = streamHarness(undefined, { baseUrl: quiet.url });
  const failing = env
    .run(activity, { plannerFlavor: 'refused', streamId: 1, stallTimeoutSeconds: 0.3 })
    .catch((err: unknown) => err);
  await eventually(
    async () => streamsOf(quiet, 'refused').length,
    (n) => n === 1,
  );
  quiet.faults.status = 503;
  try {
    expect(await failing).toMatchObject({ type: PlannerFailure.unavailable, nonRetryable: false });
    expect(((await failing) as Error).message).toContain('HTTP 503');
  } finally {
    quiet.faults.status = undefined;
  }
});

test('a stream that sends no value on connect is a failed connect: unavailable, not a stall loop', async () => {
  quiet.setPressure('mute', 1);
  quiet.faults.stall = true;
  try {
    const { env, activity } = streamHarness(undefined, { baseUrl: quiet.url, connectTimeoutMs: 300 });
    const failure = await env
      .run(activity, { plannerFlavor: 'mute', streamId: 1, stallTimeoutSeconds: 0.2 })
      .catch((err: unknown) => err);
    expect(failure).toMatchObject({ type: PlannerFailure.unavailable });
    expect((failure as Error).message).toContain('no pressure value within 300 ms');
    expect(streamsOf(quiet, 'mute')).toHaveLength(1);
  } finally {
    quiet.faults.stall = false;
  }
});

test("a flavor deleted at the planner is noticed: the {} line is counted, the reconnect's 404 fails as not found", async () => {
  planner.setPressure('deleted', 3);
  const missing: string[] = [];
  const { signals, env, activity } = streamHarness(undefined, {
    baseUrl: planner.url,
    onFlavorMissingLine: (flavor) => missing.push(flavor),
  });
  const failing = env
    .run(activity, { plannerFlavor: 'deleted', streamId: 1, stallTimeoutSeconds: 60 })
    .catch((err: unknown) => err);
  await eventually(
    async () => signals.length,
    (n) => n === 1,
  );
  planner.removeFlavor('deleted');
  const failure = await failing;
  expect(failure).toMatchObject({ type: PlannerFailure.flavorNotFound, nonRetryable: true });
  expect((failure as Error).message).toContain('HTTP 404 flavor not found');
  expect(missing).toEqual(['deleted']);
  expect(streamsOf(planner, 'deleted')).toHaveLength(1);
  expect(planner.stats.requests[404]).toBeGreaterThanOrEqual(1);
});

test('a rotated token is used on the reconnect after a stall; the revoked one fails it as unauthorized', async () => {
  quiet.setPressure('rotate', 1);
  let current = token;
  let reads = 0;
  const read = () => {
    reads += 1;
    return current;
  };
  const { signals, env, activity } = streamHarness(undefined, { baseUrl: quiet.url, token: read });
  const running = env
    .run(activity, { plannerFlavor: 'rotate', streamId: 1, stallTimeoutSeconds: 0.2 })
    .catch((err: unknown) => err);
  try {
    await eventually(
      async () => signals.length,
      (n) => n === 1,
    );
    quiet.setTokens([token, 'rotated-stream-token']);
    current = 'rotated-stream-token';
    const readsAtRotation = reads;
    await eventually(
      async () => reads,
      (n) => n >= readsAtRotation + 2,
      { what: 'two reconnects on the rotated token' },
    );
    quiet.setTokens(['rotated-stream-token']);
    current = token;
    expect(await running).toMatchObject({ type: PlannerFailure.unauthorized });
  } finally {
    quiet.setTokens([token]);
  }
});

/** A bare planner whose n-th connection (from 0) is answered by `answer`: for lost streams, in order. */
async function scriptedPlanner(answer: (connection: number, res: http.ServerResponse) => void) {
  let connections = 0;
  const server = http.createServer((_req, res) => answer(connections++, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const lineThenCut = (res: http.ServerResponse, value: number) => {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  res.write(`{"cut": ${value}}\n`, () => setTimeout(() => res.socket?.destroy(), 20));
};

test('a stream cut once is reconnected at once; the stream goes on', async () => {
  const scripted = await scriptedPlanner((n, res) => {
    if (n === 0) return lineThenCut(res, 1);
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.write('{"cut": 2}\n');
  });
  try {
    const { signals, env, activity } = streamHarness(undefined, { baseUrl: scripted.url });
    const running = env.run(activity, { plannerFlavor: 'cut', streamId: 1, stallTimeoutSeconds: 60 });
    await eventually(
      async () => signals.map((signal) => signal.pressure),
      (values) => values.join() === '1,2',
    );
    expect(scripted.connections()).toBe(2);
    env.cancel();
    await expect(running).rejects.toBeInstanceOf(CancelledFailure);
  } finally {
    await scripted.close();
  }
});

test('a stream cut again within the stall timeout fails as unavailable: a flapping planner gets the backoff', async () => {
  const scripted = await scriptedPlanner((n, res) => lineThenCut(res, n));
  try {
    const { env, activity } = streamHarness(undefined, { baseUrl: scripted.url });
    const failure = await env
      .run(activity, { plannerFlavor: 'cut', streamId: 1, stallTimeoutSeconds: 60 })
      .catch((err: unknown) => err);
    expect(failure).toMatchObject({ type: PlannerFailure.unavailable, nonRetryable: false });
    expect((failure as Error).message).toMatch(/connection lost|ended the stream/);
    expect(scripted.connections()).toBe(2);
  } finally {
    await scripted.close();
  }
});

test('reconnects come at most one a second, whatever the planner sends', async () => {
  // Every value line is followed by a line without the flavor: each connection ends as soon as it opens.
  quiet.setPressure('loop', 1);
  Object.assign(quiet.faults, { malformedEvery: 1, malformedKinds: ['missing-flavor'] });
  try {
    const { signals, env, activity } = streamHarness(undefined, { baseUrl: quiet.url });
    const running = env.run(activity, { plannerFlavor: 'loop', streamId: 1, stallTimeoutSeconds: 60 });
    const streams = await eventually(
      async () => streamsOf(quiet, 'loop'),
      (opened) => opened.length >= 3,
      { what: 'three connections' },
    );
    env.cancel();
    await expect(running).rejects.toBeInstanceOf(CancelledFailure);
    // The first reconnect is at once, the next ones wait out the spacing (a lower bound the activity's own
    // sleep enforces: load only lengthens it; the slack is the clocks' rounding between two processes' views).
    const gaps = streams.slice(1).map((stream, i) => stream.openedAt - streams[i].openedAt);
    for (const gap of gaps.slice(1)) expect(gap).toBeGreaterThanOrEqual(MIN_RECONNECT_SPACING_MS - 20);
    expect(signals).toEqual([{ streamId: 1, pressure: 1 }]);
  } finally {
    quiet.faults.malformedEvery = undefined;
  }
});

test('the stream stops when its workflow run has closed', async () => {
  planner.setPressure('closed-run', 1);
  const runClosed = new WorkflowNotFoundError('workflow execution already completed', 'flavor-closed-run', undefined);
  const { env, activity } = streamHarness(async () => {
    throw runClosed;
  });
  const failure = await env
    .run(activity, { plannerFlavor: 'closed-run', streamId: 1, stallTimeoutSeconds: 60 })
    .catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(CancelledFailure);
  await eventually(
    async () => planner.stats.streams.filter((s) => s.flavor === 'closed-run' && s.closedAt === undefined).length,
    (open) => open === 0,
  );
});

test('a worker without a planner fails the stream permanently', async () => {
  const activity = createPressureStreamActivity({ signalPressure: async () => undefined });
  const failure = await new MockActivityEnvironment(undefined, { logger: capturingLogger() })
    .run(activity, { plannerFlavor: 'x', streamId: 1, stallTimeoutSeconds: 5 })
    .catch((err: unknown) => err);
  expect(failure).toMatchObject({ type: PlannerFailure.unavailable, nonRetryable: true });
});

test('a worker shutdown ends the stream as a handover, not as a failure', async () => {
  planner.setPressure('handover', 1);
  const { signals, env, activity } = streamHarness();
  const running = env.run(activity, { plannerFlavor: 'handover', streamId: 1, stallTimeoutSeconds: 60 });
  await eventually(
    async () => signals.length,
    (n) => n === 1,
  );
  env.cancel('WORKER_SHUTDOWN', new ActivityCancellationDetails({ workerShutdown: true }));
  await expect(running).resolves.toBe('worker-shutdown');
});
