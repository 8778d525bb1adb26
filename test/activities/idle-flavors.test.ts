import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { PlannerClient } from '../../activities/planner/client';
import { startPlannerSimulator, type PlannerSimulator } from '../../simulators/planner';
import type { flavorReconciler } from '../../workflows';
import { flavorWorkflowId } from '../../contracts/flavor-workflow';
import { pressureSignal, stateQuery } from '../../contracts/definitions';
import type { FlavorState } from '../../contracts/state';
import { FakeClouds } from '../support/fake-cloud';
import { FakeJobs } from '../support/fake-jobs';
import { connectTestEnv, createTestWorker, uniqueName } from '../support/temporal';
import { eventually } from '../support/wait';

/**
 * Idle flavors on one planner with the real planner's shared keep-alive ticker: a real worker on the
 * test server runs the real flavor workflows, with the real stream activity and planner client against
 * the simulator over loopback (the real fleet over an in-memory cloud). Six streams share a 300 ms ticker, so each hears a
 * keep-alive every 1.8 s, rarer than its 1 s stall timeout: every stream stalls again and again. That
 * must cost nothing: no fallback, no deletion, no failure reaching the workflow.
 */
const FLAVORS = 6;
const TICK_MS = 300;
const STALL_SECONDS = 1;
const PRESSURE = 2;
const token = 'idle-flavors-token';

let env: TestWorkflowEnvironment;
let planner: PlannerSimulator;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueName('idle-flavors');
const handles: WorkflowHandle<typeof flavorReconciler>[] = [];
const clouds = new FakeClouds();

beforeAll(async () => {
  env = await connectTestEnv();
  planner = await startPlannerSimulator({ token, resendIntervalMs: TICK_MS });
  const activities = createActivities({
    planner: new PlannerClient({ baseUrl: planner.url, token }),
    fleet: clouds.fleet,
    jobs: new FakeJobs(),
    signalPressure: (run, signal) =>
      env.client.workflow.getHandle(run.workflowId, run.runId).signal(pressureSignal, signal),
  });
  worker = await createTestWorker(env, { taskQueue, activities });
  running = worker.run();
});

afterAll(async () => {
  // Worker first: its streams end as a handover while their workflows still run, then the workflows go.
  worker?.shutdown();
  await running;
  for (const handle of handles) await handle.terminate('test over').catch(() => undefined);
  await planner?.close();
  await env?.teardown();
});

test(`${FLAVORS} idle flavors whose keep-alives are rarer than their stall timeout keep their runners`, async () => {
  const flavors = Array.from({ length: FLAVORS }, () => uniqueName('idle'));
  const started = await Promise.all(
    flavors.map((flavor) => {
      planner.setPressure(flavor, PRESSURE);
      return env.client.workflow.start<typeof flavorReconciler>('flavorReconciler', {
        taskQueue,
        workflowId: flavorWorkflowId(flavor),
        args: [
          {
            settings: {
              flavor,
              fallbackRunners: 0,
              cleanupIntervalSeconds: 1,
              streamStallTimeoutSeconds: STALL_SECONDS,
              streamBackoffInitialSeconds: 1,
              streamBackoffMaxSeconds: 1,
              image: 'ubuntu-24.04',
              openstackFlavor: 'm1.small',
              network: 'runners-net',
              labels: ['self-hosted', 'small'],
            },
          },
        ],
      });
    }),
  );
  handles.push(...started);
  const states = () => Promise.all(handles.map((handle) => handle.query(stateQuery)));
  const steady = (state: FlavorState) =>
    state.mode === 'planner' && state.desired === PRESSURE && state.currentRunners === PRESSURE;
  const before = await eventually(states, (all) => all.every((s) => steady(s) && s.stream?.connected === true), {
    what: 'every flavor at its pressure, its stream connected',
  });
  const streamsOf = (flavor: string) => planner.stats.streams.filter((s) => s.flavor === flavor).length;
  // Four more connections per flavor: four stall periods and more, each ended by a stall.
  const opened = flavors.map(streamsOf);
  await eventually(
    async () => flavors.map(streamsOf),
    (now) => now.every((n, i) => n >= opened[i] + 4),
    { what: 'four stalls reconnected on every stream', timeoutMs: 60_000, intervalMs: 200 },
  );
  const after = await eventually(
    states,
    (all) => all.every((s, i) => s.totals.cleanupTicks >= before[i].totals.cleanupTicks + 3),
    {
      what: 'cleanup ticks meanwhile',
    },
  );
  for (const [i, state] of after.entries()) {
    expect(state).toMatchObject({ mode: 'planner', desired: PRESSURE, currentRunners: PRESSURE });
    // The workflow saw one stream all along: the stalls were mended inside the activity.
    expect(state.stream).toMatchObject({ connected: true, reconnects: before[i].stream?.reconnects });
    expect(state.stream?.lastError).toBeUndefined();
    expect(state.totals.deleted).toBe(0);
    const fleet = clouds.of(flavors[i]);
    expect(fleet.callsOf('delete')).toEqual([]);
    expect(fleet.runners.size).toBe(PRESSURE);
  }
});
