import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FLAVOR_WORKFLOW_TYPE, flavorWorkflowId } from '../../contracts/flavor-workflow';
import { setFallbackRunnersSignal, setFallbackRunnersUpdate } from '../../contracts/definitions';
import { flavorMetricsSinks } from '../../worker/metrics/flavor-sinks';
import { temporalCliPath } from '../../worker/temporal-cli';
import { useFlavorHarness } from '../support/flavor-harness';
import { uniqueName } from '../support/temporal';
import { eventually } from '../support/wait';

/** Ticks that never come during a test, where the test is about the create path. */
const noTicks = { cleanupIntervalSeconds: 3600 };

const harness = useFlavorHarness();

describe('create path', () => {
  test('a pressure rise creates the difference at once, without listing', async () => {
    const { flavor, handle, fleet } = await harness.startFlavor(noTicks);
    await harness.until(handle, (s) => s.lastCleanup !== undefined, 'first tick at start');
    harness.planner.set(flavor, 3);
    const state = await harness.until(handle, (s) => s.currentRunners === 3);
    expect(state).toMatchObject({ mode: 'planner', lastPressure: 3, desired: 3, creationPaused: false });
    expect(state.stream).toMatchObject({ connected: true, reconnects: 0 });
    expect(fleet.runners.size).toBe(3);
    expect(fleet.callsOf('create')).toHaveLength(1);
    expect(fleet.callsOf('cleanup')).toHaveLength(1);
  });

  test('pressure that arrives during a create is coalesced: only the newest value counts', async () => {
    const { flavor, handle, fleet } = await harness.startFlavor(noTicks);
    await harness.until(handle, (s) => s.lastCleanup !== undefined);
    fleet.createDelayMs = 1500;
    harness.planner.set(flavor, 1);
    // Watch the fleet, not the query: a query waits for the workflow task that holds the local activity.
    await eventually(
      async () => fleet.callsOf('create').length,
      (calls) => calls === 1,
      { what: 'a create under way' },
    );
    for (let pressure = 2; pressure <= 10; pressure += 1) harness.planner.set(flavor, pressure);
    await harness.until(handle, (s) => s.currentRunners === 10 && s.operation === undefined);
    const creates = fleet.callsOf('create');
    expect(creates.length).toBeLessThanOrEqual(3);
    expect(creates.reduce((sum, call) => sum + call.count, 0)).toBe(10);
    expect(fleet.runners.size).toBe(10);
  });

  test('a create that makes nothing pauses creation until the next cleanup tick', async () => {
    const { flavor, handle, fleet } = await harness.startFlavor({ cleanupIntervalSeconds: 4 });
    await harness.until(handle, (s) => s.lastCleanup !== undefined);
    fleet.capacity = 0;
    harness.planner.set(flavor, 2);
    const paused = await harness.until(handle, (s) => s.creationPaused);
    expect(paused.currentRunners).toBe(0);
    expect(paused.totals.createFailures).toBe(2);
    const createsWhilePaused = fleet.callsOf('create').length;
    harness.planner.set(flavor, 3);
    // A create would start in the workflow task that takes the pressure, and a local activity holds that
    // task (and the query) until it ends: the answer that shows the new desired shows any create too.
    await harness.until(handle, (s) => s.lastPressure === 3 && s.desired === 3);
    expect(fleet.callsOf('create')).toHaveLength(createsWhilePaused);
    fleet.capacity = undefined;
    const resumed = await harness.until(handle, (s) => s.currentRunners === 3 && !s.creationPaused);
    expect(resumed.lastCleanup?.created).toBe(3);
    expect(fleet.runners.size).toBe(3);
  });
});

describe('history economy', () => {
  test('a pressure change costs at most 8 history events, creates included', async () => {
    const { flavor, handle } = await harness.startFlavor(noTicks);
    harness.planner.set(flavor, 0);
    await harness.until(handle, (s) => s.lastCleanup !== undefined && s.stream?.connected === true);
    const eventsBefore = (await handle.describe()).historyLength;
    const changes = [3, 1, 6, 2, 9, 0, 4, 7, 5, 8];
    for (const [i, pressure] of changes.entries()) {
      harness.planner.set(flavor, pressure);
      await harness.until(handle, (s) => s.totals.pressureUpdates === i + 2 && s.operation === undefined);
    }
    const perChange = ((await handle.describe()).historyLength - eventsBefore) / changes.length;
    expect(perChange).toBeLessThanOrEqual(8);
  });
});

describe('cleanup loop', () => {
  test('the first tick runs at start and removes stale runners before any pressure is seen', async () => {
    const { flavor, handle, fleet } = await harness.startFlavor(noTicks);
    fleet.addRunner(`${flavor}-7`, 'offline', '2026-01-01T00:00:00Z');
    fleet.addRunner(`${flavor}-41`, 'idle', '2026-01-01T00:00:00Z');
    const state = await harness.until(handle, (s) => s.lastCleanup !== undefined);
    expect(state.lastCleanup?.removed).toEqual([
      { name: `${flavor}-7`, reason: 'boot_timeout', detail: 'not online 1200 s after boot' },
    ]);
    expect(state.desired).toBeUndefined();
    expect(state.currentRunners).toBe(1);
    expect(fleet.callsOf('create')).toHaveLength(0);
    expect(fleet.callsOf('delete')).toHaveLength(0);
    // Numbering continues after the runners a previous workflow left.
    harness.planner.set(flavor, 2);
    await harness.until(handle, (s) => s.currentRunners === 2);
    expect([...fleet.runners.keys()].sort()).toEqual([`${flavor}-41`, `${flavor}-42`]);
  });

  test('ticks converge down (idle only, busy untouched) and up', async () => {
    const { flavor, handle, fleet } = await harness.startFlavor({ cleanupIntervalSeconds: 2 });
    harness.planner.set(flavor, 5);
    await harness.until(handle, (s) => s.currentRunners === 5);
    const busy = fleet.setState('busy', 2);
    harness.planner.set(flavor, 0);
    const down = await harness.until(handle, (s) => (s.lastCleanup?.deleted.length ?? 0) > 0);
    expect(down.lastCleanup?.deleted).toHaveLength(3);
    expect(down.currentRunners).toBe(2);
    expect([...fleet.runners.keys()].sort()).toEqual([...busy].sort());

    // Jobs end elsewhere and their runners vanish; the count still says 2 until a tick lists the fleet.
    harness.planner.set(flavor, 3);
    await harness.until(handle, (s) => s.currentRunners === 3);
    for (const name of busy) fleet.finishJob(name);
    const up = await harness.until(handle, (s) => s.lastCleanup?.created === 2);
    expect(up.currentRunners).toBe(3);
    expect(fleet.runners.size).toBe(3);
  });

  test('a failing cleanup is recorded and the next tick tries again', async () => {
    const { handle, fleet } = await harness.startFlavor({ mode: 'static', minRunners: 1, cleanupIntervalSeconds: 2 });
    await harness.until(handle, (s) => s.currentRunners === 1);
    fleet.failCleanup = true;
    // The tick's activity uses up its retries (test/setup/shorter-retries.ts: a third of a second here,
    // half a minute in production) before the tick counts as failed.
    const failed = await harness.until(handle, (s) => s.lastCleanup?.error !== undefined, 'a failed tick');
    expect(failed.lastCleanup?.error).toContain('cloud unavailable');
    fleet.failCleanup = false;
    await harness.until(handle, (s) => s.lastCleanup !== undefined && s.lastCleanup.error === undefined);
  });
});

describe('planner stream failures', () => {
  test('failure → fallback count → reconnect with growing backoff → planner again', async () => {
    const { flavor, handle, fleet } = await harness.startFlavor({
      ...noTicks,
      fallbackRunners: 2,
      fallbackGraceSeconds: 0,
      streamBackoffInitialSeconds: 1,
      streamBackoffMaxSeconds: 4,
    });
    harness.planner.refuse.set(flavor, 'transient');
    const delays = new Set<number>();
    const fallback = await harness.until(handle, (s) => {
      if (s.stream?.retryInSeconds) delays.add(s.stream.retryInSeconds);
      return (s.stream?.reconnects ?? 0) >= 3;
    });
    expect([...delays]).toEqual(expect.arrayContaining([1, 2, 4]));
    expect(fallback).toMatchObject({ mode: 'fallback', desired: 2 });
    expect(fallback.stream?.lastError).toContain('PlannerUnavailable');
    await harness.until(handle, (s) => s.currentRunners === 2);
    expect(fleet.runners.size).toBe(2);

    harness.planner.refuse.delete(flavor);
    harness.planner.set(flavor, 5);
    const back = await harness.until(handle, (s) => s.mode === 'planner' && s.currentRunners === 5);
    expect(back.stream?.connected).toBe(true);
    expect(back.stream?.retryInSeconds).toBeUndefined();
  });

  test('a dropped stream falls back, then the reconnect restores planner mode', async () => {
    const { flavor, handle } = await harness.startFlavor({
      ...noTicks,
      fallbackGraceSeconds: 0,
      streamBackoffInitialSeconds: 1,
    });
    harness.planner.set(flavor, 1);
    await harness.until(handle, (s) => s.currentRunners === 1);
    harness.planner.drop(flavor);
    await harness.until(handle, (s) => s.mode === 'fallback' && s.desired === 0);
    const back = await harness.until(handle, (s) => s.mode === 'planner' && s.stream?.connected === true);
    expect(back.stream?.reconnects).toBe(1);
    expect(back.desired).toBe(1);
  });

  test('a worker shutdown hands the stream over without falling back', async () => {
    const { flavor, handle, fleet } = await harness.startFlavor({ ...noTicks, fallbackRunners: 4 });
    harness.planner.set(flavor, 1);
    await harness.until(handle, (s) => s.currentRunners === 1 && s.stream?.connected === true);
    await harness.restartWorker();
    const state = await harness.until(handle, (s) => s.stream?.connected === true && s.stream.reconnects === 1);
    expect(state.mode).toBe('planner');
    // Connected again, the handover's reason is shown as past (lastError is for the present).
    expect(state.stream?.lastError).toBeUndefined();
    expect(state.stream?.lastDisconnect?.error).toBe('the stream worker shut down');
    expect(state.totals.createFailures).toBe(0);
    expect(fleet.runners.size).toBe(1);
    expect(fleet.callsOf('create')).toHaveLength(1);
  });

  test.each([
    ['unauthorized', 'PlannerUnauthorized'],
    ['not-found', 'PlannerFlavorNotFound'],
  ] as const)('%s waits the cap at once instead of hot-looping', async (kind, type) => {
    const { flavor, handle } = await harness.startFlavor({
      ...noTicks,
      streamBackoffInitialSeconds: 1,
      streamBackoffMaxSeconds: 30,
    });
    harness.planner.refuse.set(flavor, kind);
    const state = await harness.until(handle, (s) => s.stream?.lastError !== undefined);
    expect(state.stream).toMatchObject({ connected: false, retryInSeconds: 30, reconnects: 0 });
    expect(state.stream?.lastError).toContain(type);
    // The next connect waits on a timer of the cap, and no second stream was scheduled before it.
    const history = await eventually(
      async () => {
        const events = (await handle.fetchHistory()).events ?? [];
        return {
          timerSeconds: events.flatMap(({ timerStartedEventAttributes: timer }) =>
            timer ? [Number(timer.startToFireTimeout?.seconds)] : [],
          ),
          streams: events.filter(
            (event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'streamPressure',
          ).length,
        };
      },
      ({ timerSeconds }) => timerSeconds.includes(30),
      { what: 'the reconnect timer of 30 s' },
    );
    expect(history.streams).toBe(1);
    expect((await harness.state(handle)).stream?.reconnects).toBe(0);
  });
});

describe('operator handles', () => {
  test('setFallbackRunners by signal; bad payloads are ignored and shown', async () => {
    const { handle } = await harness.startFlavor({ ...noTicks, maxRunners: 10 });
    await handle.signal(setFallbackRunnersSignal, 3);
    await harness.until(handle, (s) => s.fallbackRunners === 3);
    for (const bad of [-1, 2.5, 'x', 11, null]) {
      await handle.signal(setFallbackRunnersSignal, bad);
    }
    const state = await harness.until(handle, (s) => s.lastRejected?.reason.includes('null') === true);
    expect(state.fallbackRunners).toBe(3);
    expect(state.lastRejected?.handler).toBe('setFallbackRunners');
    await expect(handle.describe()).resolves.toMatchObject({ status: { name: 'RUNNING' } });
  });

  test('setFallbackRunners by update: valid values answer the state, invalid ones are rejected', async () => {
    const { handle } = await harness.startFlavor({ ...noTicks, maxRunners: 10 });
    const state = await handle.executeUpdate(setFallbackRunnersUpdate, { args: [4] });
    expect(state.fallbackRunners).toBe(4);
    for (const [bad, reason] of [
      [-2, 'must not be negative'],
      [1.5, 'must be an integer'],
      ['7', 'must be an integer'],
      [11, 'above maxRunners 10'],
    ] as const) {
      const rejected = handle.executeUpdate(setFallbackRunnersUpdate, { args: [bad] });
      await expect(rejected).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(rejected).rejects.toMatchObject({ cause: { message: expect.stringContaining(reason) } });
    }
    expect((await harness.state(handle)).fallbackRunners).toBe(4);
  });

  test('a workflow started with the temporal CLI answers state, setFallbackRunners by signal and update', async () => {
    const cli = temporalCliPath();
    if (!cli) throw new Error('the temporal CLI is not installed: run scripts/temporal-server.sh');
    const flavor = uniqueName('cli');
    const workflowId = flavorWorkflowId(flavor);
    const temporal = async (...args: string[]) =>
      (await promisify(execFile)(cli, [...args, '--address', harness.env.address, '--workflow-id', workflowId])).stdout;
    const input = JSON.stringify({ settings: { flavor, maxRunners: 10, cleanupIntervalSeconds: 3600 } });
    await temporal(
      'workflow',
      'start',
      '--type',
      FLAVOR_WORKFLOW_TYPE,
      '--task-queue',
      harness.taskQueue,
      '--input',
      input,
    );
    const handle = harness.client.getHandle(workflowId);
    harness.handles.push(handle);

    await temporal('workflow', 'signal', '--name', 'setFallbackRunners', '--input', '3');
    await harness.until(handle, (s) => s.fallbackRunners === 3);
    const query = await temporal('workflow', 'query', '--name', 'state', '--output', 'json');
    expect(JSON.parse(query).queryResult[0]).toMatchObject({ flavor, fallbackRunners: 3, mode: 'planner' });

    const update = ['workflow', 'update', 'execute', '--name', 'setFallbackRunners', '--output', 'json'];
    expect(JSON.parse(await temporal(...update, '--input', '5')).result).toMatchObject({ fallbackRunners: 5 });
    await expect(temporal(...update, '--input', '11')).rejects.toMatchObject({
      stderr: expect.stringContaining('above maxRunners 10'),
    });
  });
});

describe('modes and lifetime', () => {
  test('static mode holds minRunners with no stream', async () => {
    const { flavor, handle, fleet } = await harness.startFlavor({ mode: 'static', minRunners: 2, maxRunners: 4 });
    const state = await harness.until(handle, (s) => s.currentRunners === 2);
    expect(state).toMatchObject({ mode: 'static', desired: 2 });
    expect(state.stream).toBeUndefined();
    expect(fleet.runners.size).toBe(2);
    expect(harness.planner.openStreams(flavor)).toBe(0);
  });

  test('invalid settings fail the workflow with an error naming the field', async () => {
    const { handle } = await harness.startFlavor({ minRunners: -1 });
    const failure = await handle.result().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause?.message).toContain('minRunners must be an integer ≥ 0');
  });

  test('continue-as-new carries the state and restarts the stream', async () => {
    const { flavor, handle, fleet } = await harness.startFlavor({ ...noTicks, continueAsNewAfterEvents: 100 });
    await handle.signal(setFallbackRunnersSignal, 7);
    let pressure = 0;
    while ((await harness.state(handle)).runs < 2) {
      pressure += 1;
      harness.planner.set(flavor, pressure);
      await harness.until(handle, (s) => s.runs >= 2 || s.currentRunners === pressure);
    }
    harness.planner.set(flavor, pressure + 1);
    const state = await harness.until(handle, (s) => s.currentRunners === pressure + 1);
    expect(state.runs).toBe(2);
    expect(state.fallbackRunners).toBe(7);
    expect(state.totals.created).toBe(pressure + 1);
    expect(fleet.runners.size).toBe(pressure + 1);
    expect(state.stream?.connected).toBe(true);
    await eventuallyOneStream(flavor);
  });
});

async function eventuallyOneStream(flavor: string): Promise<void> {
  // The previous run's stream stops at its next signal (its run is closed) or at its cancellation.
  harness.planner.set(flavor, 1_000);
  await eventually(
    async () => harness.planner.openStreams(flavor),
    (open) => open === 1,
    { what: 'one open stream' },
  );
}

test('every history recorded above replays without non-determinism', async () => {
  expect(harness.handles.length).toBeGreaterThanOrEqual(15);
  const histories = await Promise.all(
    harness.handles.map(async (handle) => ({ workflowId: handle.workflowId, history: await handle.fetchHistory() })),
  );
  const codePath = process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE!;
  let replayed = 0;
  const options = { workflowBundle: { codePath }, sinks: flavorMetricsSinks() };
  for await (const result of Worker.runReplayHistories(options, histories)) {
    expect(result.error).toBeUndefined();
    replayed += 1;
  }
  expect(replayed).toBe(harness.handles.length);
});
