import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { PlannerFailure } from '../../contracts/activities';
import { PlannerClient } from '../../activities/planner/client';
import { createPressureStreamActivity, type SignalPressure } from '../../activities/pressure-stream';
import { startPlannerSimulator, type PlannerSimulator } from '../../simulators/planner';
import type { PressureSignal } from '../../contracts/definitions';
import { eventually } from '../support/wait';

/**
 * The pressure-stream activity against the planner simulator over loopback, in the SDK's activity
 * test environment (heartbeats and cancellation are the SDK's own; the signal sink records values).
 */
let planner: PlannerSimulator;
const token = 'stream-test-token';

beforeAll(async () => {
  planner = await startPlannerSimulator({ token, resendIntervalMs: 50 });
});
afterAll(() => planner.close());

function streamHarness(signalPressure?: SignalPressure) {
  const signals: PressureSignal[] = [];
  const activity = createPressureStreamActivity({
    planner: new PlannerClient({ baseUrl: planner.url, token }),
    signalPressure: signalPressure ?? (async (_run, signal) => void signals.push(signal)),
  });
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 3000 });
  return { signals, env, activity };
}

test('signals each changed value once, in order, ignoring the planner re-sends', async () => {
  planner.setPressure('steady', 2);
  const { signals, env, activity } = streamHarness();
  const running = env.run(activity, { plannerFlavor: 'steady', streamId: 7, stallTimeoutSeconds: 5 });
  await eventually(
    async () => signals.length,
    (n) => n === 1,
  );
  await new Promise((resolve) => setTimeout(resolve, 300)); // six re-sends of the same value
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

test('a stalled stream fails as unavailable', async () => {
  planner.setPressure('stall', 1);
  planner.faults.stall = true;
  try {
    const { env, activity } = streamHarness();
    const failure = await env
      .run(activity, { plannerFlavor: 'stall', streamId: 1, stallTimeoutSeconds: 0.3 })
      .catch((err: unknown) => err);
    expect(failure).toMatchObject({ type: PlannerFailure.unavailable });
  } finally {
    planner.faults.stall = false;
  }
});

test('the stream stops when its workflow run has closed', async () => {
  planner.setPressure('closed-run', 1);
  const runClosed = Object.assign(new Error('workflow execution already completed'), { name: 'WorkflowNotFoundError' });
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
  const failure = await new MockActivityEnvironment()
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
  env.cancel('WORKER_SHUTDOWN');
  await expect(running).resolves.toBe('worker-shutdown');
});
