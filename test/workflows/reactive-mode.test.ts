import type { WorkflowHandle } from '@temporalio/client';
import { executeUpdateRetrying } from '../../client/update-retry';
import { applySettingsUpdate, jobSignal } from '../../contracts/definitions';
import type { FlavorSettingsInput } from '../../contracts/settings';
import { useFlavorHarness } from '../support/flavor-harness';
import { eventually } from '../support/wait';

/**
 * Reactive mode on a real Temporal server with in-memory fleets and jobs (the simulators' version is
 * test/e2e/reactive-e2e.test.ts): consumers, the queue and the reconcile rule.
 */
const harness = useFlavorHarness();

const reactive = {
  mode: 'reactive' as const,
  labels: ['small'],
  jobPickupWindowSeconds: 2,
  cleanupIntervalSeconds: 3600,
};

const jobUrl = (id: number) => `https://api.github.com/repos/octo/app/actions/jobs/${id}`;
let nextJobId = 1000;

function queueJob(handle: WorkflowHandle, labels = ['self-hosted', 'small']): number {
  const jobId = nextJobId++;
  void handle.signal(jobSignal, { jobId, labels, url: jobUrl(jobId) });
  return jobId;
}

/** Marks these jobs picked up, as GitHub would once a runner took each. */
function pickUp(jobIds: number[]): void {
  for (const id of jobIds) harness.jobs.statuses.set(jobUrl(id), 'in_progress');
}

/** A reactive flavor at `quantity` with five busy runners (each made for a job) and five consumers. */
async function fiveAndFive(quantity: number, extra: Partial<FlavorSettingsInput> = {}) {
  const started = await harness.startFlavor({ ...reactive, ...extra, maxRunners: quantity });
  const { handle, fleet } = started;
  await harness.until(handle, (s) => s.queue?.consumers === quantity, `${quantity} consumers`);
  const jobs = [1, 2, 3, 4, 5].map(() => queueJob(handle));
  await harness.until(handle, (s) => s.currentRunners === 5, 'five runners made for five jobs');
  fleet.setState('busy', 5);
  pickUp(jobs);
  const state = await harness.until(handle, (s) => s.queue?.acknowledged === 5 && s.queue.consumers === quantity - 5);
  return { ...started, state };
}

async function applyQuantity(
  started: { flavor: string; handle: WorkflowHandle },
  quantity: number,
  extra: Partial<FlavorSettingsInput> = {},
) {
  const settings = harness.settings(started.flavor, { ...reactive, ...extra, maxRunners: quantity });
  const { runs } = await harness.state(started.handle);
  await executeUpdateRetrying(started.handle, applySettingsUpdate, [settings]);
  await harness.until(started.handle, (s) => s.runs === runs + 1, 'the new run');
  // lastCleanup is carried over: the old run may tick once more before it continues as new.
  const newRunStart = (await started.handle.describe()).startTime.getTime();
  return harness.until(
    started.handle,
    (s) => s.lastCleanup !== undefined && Date.parse(s.lastCleanup.at) >= newRunStart,
    'the new run ticked',
  );
}

describe('the five examples', () => {
  const ticking = { cleanupIntervalSeconds: 2 };

  test('1. 5 runners, 5 consumers, quantity 10: no action', async () => {
    const { handle, state } = await fiveAndFive(10, ticking);
    const after = await harness.until(handle, (s) => (s.lastCleanup?.at ?? '') > state.lastCleanup!.at, 'a tick');
    expect(after.lastCleanup?.reactive).toEqual({
      processesDiff: 0,
      metricStats: { runnersRemoved: 0, consumersStarted: 0, consumersStopped: 0 },
    });
    expect(after.queue?.consumers).toBe(5);
  });

  test.each([
    ['2. quantity 15: 5 consumers started', 15, 5, 10, 5],
    ['3. quantity 7: 3 consumers stopped', 7, -3, 2, 5],
    ['4. quantity 5: all consumers stopped', 5, -5, 0, 5],
  ])('%s', async (_name, quantity, processesDiff, consumersLeft, runnersLeft) => {
    const started = await fiveAndFive(10, ticking);
    const state = await applyQuantity(started, quantity, ticking);
    expect(state.lastCleanup?.reactive?.processesDiff).toBe(processesDiff);
    expect(state.queue?.consumers).toBe(consumersLeft);
    expect(state.currentRunners).toBe(runnersLeft);
    expect(started.fleet.runners.size).toBe(runnersLeft);
  });

  test('5. quantity 4: 1 runner removed and all consumers stopped', async () => {
    // The first run ticks only as it starts: a tick of its own between setState and the update would
    // flush the idle runner (its queue is empty) and start a consumer in its place, before the example.
    const started = await fiveAndFive(10);
    const [idle] = started.fleet.setState('idle', 1);
    const state = await applyQuantity(started, 4, ticking);
    expect(state.lastCleanup?.reactive).toEqual({
      processesDiff: -5,
      metricStats: { runnersRemoved: 1, consumersStarted: 0, consumersStopped: 5 },
    });
    expect(state.lastCleanup?.deleted).toEqual([idle]);
    expect(state.queue?.consumers).toBe(0);
    expect(started.fleet.runners.size).toBe(4);
  });
});

test('an empty queue flushes idle runners; busy ones stay', async () => {
  const { handle, fleet } = await fiveAndFive(10, { cleanupIntervalSeconds: 2 });
  const idle = fleet.setState('idle', 2);
  const state = await harness.until(handle, (s) => s.lastCleanup?.deleted.length === 2, 'idle runners flushed');
  expect(state.lastCleanup?.deleted.sort()).toEqual(idle.sort());
  expect(fleet.runners.size).toBe(3);
  await harness.until(handle, (s) => s.queue?.consumers === 7, 'consumers refill what the runners left');
});

test('a job already picked up is acknowledged without a runner', async () => {
  const { handle, fleet } = await harness.startFlavor({ ...reactive, maxRunners: 3 });
  await harness.until(handle, (s) => s.queue?.consumers === 3);
  const jobId = nextJobId++;
  harness.jobs.statuses.set(jobUrl(jobId), 'in_progress');
  await handle.signal(jobSignal, { jobId, labels: ['small'], url: jobUrl(jobId) });
  const state = await harness.until(handle, (s) => s.queue?.acknowledged === 1);
  expect(state.queue).toMatchObject({ size: 0, dropped: 0, consumers: 2 });
  expect(fleet.callsOf('create')).toHaveLength(0);
});

test('a job with labels the flavor does not have is dropped without a look or a runner', async () => {
  const { handle, fleet } = await harness.startFlavor({ ...reactive, maxRunners: 3 });
  await harness.until(handle, (s) => s.queue?.consumers === 3);
  const jobId = queueJob(handle, ['self-hosted', 'gpu']);
  const state = await harness.until(handle, (s) => s.queue?.dropped === 1);
  expect(state.queue).toMatchObject({ size: 0, acknowledged: 0 });
  expect(harness.jobs.checks).not.toContain(jobUrl(jobId));
  expect(fleet.callsOf('create')).toHaveLength(0);
});

test('duplicate deliveries of one job make one runner', async () => {
  const { handle, fleet } = await harness.startFlavor({ ...reactive, maxRunners: 3 });
  await harness.until(handle, (s) => s.queue?.consumers === 3);
  const jobId = nextJobId++;
  const message = { jobId, labels: ['small'], url: jobUrl(jobId) };
  await Promise.all([handle.signal(jobSignal, message), handle.signal(jobSignal, message)]);
  await harness.until(handle, (s) => s.currentRunners === 1);
  pickUp([jobId]);
  await harness.until(handle, (s) => s.queue?.acknowledged === 1);
  // A delivery after the job was served is a duplicate too.
  await handle.signal(jobSignal, message);
  const state = await harness.until(handle, (s) => s.queue?.duplicates === 2);
  expect(state.queue).toMatchObject({ size: 0, acknowledged: 1 });
  expect(fleet.runners.size).toBe(1);
});

test('a consumer killed mid-wait gives its job back; the next one makes no second runner', async () => {
  const { flavor, handle, fleet } = await harness.startFlavor({
    ...reactive,
    maxRunners: 1,
    jobPickupWindowSeconds: 10,
    cleanupIntervalSeconds: 2,
  });
  await harness.until(handle, (s) => s.queue?.consumers === 1);
  const jobId = queueJob(handle);
  await harness.until(handle, (s) => s.currentRunners === 1 && s.queue?.inFlight === 1, 'a runner waits for the job');
  // The next tick counts 1 runner + 1 consumer against quantity 1: the consumer serving the job is killed.
  const killed = await harness.until(handle, (s) => s.queue?.consumers === 0 && s.queue.size === 1);
  expect(killed.queue?.inFlight).toBe(0);
  const looks = () => harness.jobs.checks.filter((url) => url === jobUrl(jobId)).length;
  const looksBefore = looks();
  // More room: a new consumer takes the job back, reuses its runner, and it is picked up.
  await applyQuantity({ flavor, handle }, 2, { jobPickupWindowSeconds: 10, cleanupIntervalSeconds: 2 });
  await harness.until(handle, (s) => s.queue?.inFlight === 1, 'the job taken again');
  // The new consumer's first look still finds the job queued: it goes on to wait for the pickup.
  await eventually(
    async () => looks(),
    (n) => n > looksBefore,
    { what: 'the new consumer’s first look' },
  );
  pickUp([jobId]);
  const state = await harness.until(handle, (s) => s.queue?.acknowledged === 1);
  expect(state.queue?.dropped).toBe(0);
  expect(fleet.runners.size).toBe(1);
  const created = fleet.callsOf('create').reduce((sum, call) => sum + call.count, 0);
  expect(created).toBe(1);
});

test('an unpicked job is retried with a fresh runner after the backoff, then dropped', async () => {
  const { handle, fleet } = await harness.startFlavor({
    ...reactive,
    maxRunners: 5,
    jobPickupWindowSeconds: 1,
    jobRetryInitialSeconds: 1,
    jobMaxAttempts: 2,
  });
  await harness.until(handle, (s) => s.queue?.consumers === 5);
  queueJob(handle);
  const state = await harness.until(handle, (s) => s.queue?.dropped === 1, 'the job dropped after two attempts');
  expect(state.queue).toMatchObject({ size: 0, acknowledged: 0 });
  // One runner per attempt; the unpicked ones stay until a tick removes idle runners.
  expect(fleet.callsOf('create').map((call) => call.count)).toEqual([1, 1]);
  expect(fleet.runners.size).toBe(2);
});

test('a consumer whose look at GitHub keeps failing ends; its job waits in the queue for the next', async () => {
  const { handle, fleet } = await harness.startFlavor({ ...reactive, maxRunners: 2 });
  await harness.until(handle, (s) => s.queue?.consumers === 2);
  const jobId = nextJobId++;
  harness.jobs.failing.add(jobUrl(jobId));
  await handle.signal(jobSignal, { jobId, labels: ['small'], url: jobUrl(jobId) });
  // Each consumer gives up after checkJob's four attempts (7 s in production, 70 ms with the tests'
  // shorter retries), then the other takes the job.
  const failed = await harness.until(handle, (s) => s.queue?.consumers === 0, 'both consumers ended');
  expect(failed.queue).toMatchObject({ size: 1, inFlight: 0, dropped: 0 });
  expect((await handle.describe()).status.name).toBe('RUNNING');
  expect(fleet.callsOf('create')).toHaveLength(0);
});

test('jobs are refused outside reactive mode and while malformed', async () => {
  const { handle } = await harness.startFlavor({ mode: 'static', cleanupIntervalSeconds: 3600 });
  await handle.signal(jobSignal, { jobId: 1, labels: [], url: jobUrl(1) });
  await harness.until(handle, (s) => s.lastRejected?.reason.includes('not in reactive mode') === true);
  const started = await harness.startFlavor({ ...reactive, maxRunners: 1 });
  await started.handle.signal(jobSignal, { jobId: -1 } as never);
  const state = await harness.until(started.handle, (s) => s.lastRejected?.handler === 'job');
  expect(state.lastRejected?.reason).toContain('jobId must be a positive integer');
  expect(state.queue?.size).toBe(0);
});
