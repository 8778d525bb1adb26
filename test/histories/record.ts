/**
 * `npm run record-histories`: runs the flavor workflow for real (a Temporal dev server, the simulators,
 * a worker with the real activities) through each scenario below and writes every run's history to
 * test/histories/<scenario>[-<run>].json, for test/histories/replay.test.ts to replay. Record anew only
 * for a deliberate new version of the workflow (see the README's "Changing workflow code").
 */
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import path from 'node:path';
import { flushUpdate, applySettingsUpdate, jobSignal, stateQuery } from '../../contracts/definitions';
import type { FlavorSettingsInput } from '../../contracts/settings';
import { startFlavor } from '../../contracts/start-flavor';
import type { FlavorState } from '../../contracts/state';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import { buildActivities, devServerExecutable } from '../../worker';
import { flavorMetricsSinks } from '../../worker/metrics/flavor-sinks';
import { bundleApart } from '../../worker/workflow-bundle';
import { windowOpeningIn } from '../support/schedule-window';
import { writeHistoryFile } from '../../bench/history-file';

const TASK_QUEUE = 'record-histories';
const VM = { image: 'ubuntu-24.04', openstackFlavor: 'm1.small', network: 'runners-net', labels: ['record'] };
const STEP_TIMEOUT_MS = 60_000;

interface Scenario {
  name: string;
  /** What the history holds, for the replay test's names. */
  holds: string;
  run(context: Context): Promise<void>;
}

interface Context {
  client: Client;
  cloud: SimulatedCloud;
  start: (settings: Omit<FlavorSettingsInput, 'flavor'>) => Promise<Flavor>;
}

interface Flavor {
  name: string;
  firstRunId: string;
  until(accept: (state: FlavorState) => boolean, what: string): Promise<FlavorState>;
  handle: Awaited<ReturnType<typeof startFlavor>>['handle'];
}

const scenarios: Scenario[] = [
  {
    name: 'planner',
    holds: 'planner mode: creates at a pressure rise, a tick converging down, a planner outage in fallback, recovery',
    async run({ cloud, start }) {
      const flavor = await start({
        cleanupIntervalSeconds: 2,
        fallbackRunners: 1,
        streamBackoffInitialSeconds: 1,
        streamBackoffMaxSeconds: 2,
      });
      cloud.planner.setPressure(flavor.name, 3);
      await flavor.until((s) => s.currentRunners === 3, 'three runners');
      cloud.planner.setPressure(flavor.name, 1);
      await flavor.until((s) => (s.lastCleanup?.deleted.length ?? 0) === 2, 'a tick deleting two idle runners');
      cloud.planner.faults.status = 503;
      cloud.planner.faults.dropAfterLines = 0;
      await flavor.until((s) => s.mode === 'fallback' && s.stream?.retryInSeconds !== undefined, 'fallback');
      cloud.planner.faults.status = undefined;
      cloud.planner.faults.dropAfterLines = undefined;
      await flavor.until((s) => s.mode === 'planner' && s.stream?.connected === true, 'the stream back');
      await flavor.until((s) => (s.totals.cleanupTicks ?? 0) >= 4, 'ticks after the outage');
    },
  },
  {
    name: 'static',
    holds: 'static mode: minRunners created after the first tick, ticks keeping the count',
    async run({ start }) {
      const flavor = await start({ mode: 'static', minRunners: 2, cleanupIntervalSeconds: 2 });
      await flavor.until((s) => s.currentRunners === 2 && s.totals.cleanupTicks >= 3, 'two runners, three ticks');
    },
  },
  {
    name: 'schedules',
    holds:
      'static mode with a schedule: a window opening on its timer, runners made, its closing, idle runners deleted',
    async run({ start }) {
      const { window } = windowOpeningIn(5, 8, 2);
      const flavor = await start({
        mode: 'static',
        cleanupIntervalSeconds: 2,
        idleConfirmSeconds: 2,
        minRunnerAgeSeconds: 2,
        schedules: [window],
      });
      await flavor.until((s) => s.currentRunners === 2, 'two runners in the window');
      await flavor.until((s) => s.schedule?.inForce.length === 0 && s.currentRunners === 0, 'none after it');
    },
  },
  {
    name: 'reactive',
    holds:
      'reactive mode: a job served by a consumer; a consumer killed mid-wait by new settings, its successor in the next run reusing its runner',
    async run({ cloud, start }) {
      const settings = {
        mode: 'reactive' as const,
        maxRunners: 2,
        cleanupIntervalSeconds: 2,
        jobPickupWindowSeconds: 30,
        labels: ['record-reactive'],
      };
      const flavor = await start(settings);
      await flavor.until((s) => s.queue?.consumers === 2, 'two consumers');
      // A label no other scenario's runners carry: GitHub gives a job to any idle runner that fits.
      const labels = ['self-hosted', 'record-reactive'];
      const picked = cloud.queueJob({ labels });
      await flavor.handle.signal(jobSignal, { jobId: picked.id, labels, url: picked.url });
      await flavor.until((s) => s.queue?.acknowledged === 1, 'the first job picked up');
      // A job of a repository the organisation's runners cannot see: its consumer waits for a pickup.
      const waiting = cloud.queueJob({ labels, owner: 'elsewhere' });
      await flavor.handle.signal(jobSignal, { jobId: waiting.id, labels, url: waiting.url });
      await flavor.until(
        (s) => s.queue?.inFlight === 1 && s.totals.created === 2,
        'a consumer waiting with its runner',
      );
      await flavor.handle.executeUpdate(applySettingsUpdate, {
        args: [{ flavor: flavor.name, ...VM, ...settings, jobPickupWindowSeconds: 20 }],
      });
      await flavor.until((s) => s.runs === 2 && s.queue?.inFlight === 1, 'the job served again in the next run');
      await flavor.until((s) => s.totals.cleanupTicks >= 2, 'ticks of the next run');
    },
  },
  {
    name: 'apply-settings',
    holds: 'applySettings: a changed setting continues the run as new with its state carried over',
    async run({ cloud, start }) {
      const flavor = await start({ cleanupIntervalSeconds: 2, maxRunners: 5 });
      cloud.planner.setPressure(flavor.name, 2);
      await flavor.until((s) => s.currentRunners === 2, 'two runners');
      await flavor.handle.executeUpdate(applySettingsUpdate, {
        args: [{ flavor: flavor.name, ...VM, cleanupIntervalSeconds: 2, maxRunners: 8 }],
      });
      await flavor.until((s) => s.runs === 2 && s.maxRunners === 8, 'the second run');
      cloud.planner.setPressure(flavor.name, 3);
      await flavor.until((s) => s.currentRunners === 3, 'three runners in the second run');
    },
  },
  {
    name: 'flush',
    holds: 'flush: idle runners removed at once and refilled; then flush --busy taking a busy runner too',
    async run({ cloud, start }) {
      const flavor = await start({ cleanupIntervalSeconds: 2 });
      cloud.planner.setPressure(flavor.name, 2);
      await flavor.until((s) => s.currentRunners === 2 && s.totals.cleanupTicks >= 2, 'two runners listed');
      await flavor.handle.executeUpdate(flushUpdate, { args: [{}] });
      const refilled = await flavor.until((s) => s.totals.created === 4 && s.currentRunners === 2, 'refilled');
      await flavor.until((s) => s.totals.cleanupTicks > refilled.totals.cleanupTicks, 'a tick listing the refill');
      const [busy] = cloud.github
        .runners()
        .filter((r) => r.name.startsWith(`${flavor.name}-`) && r.status === 'online');
      cloud.assignJob(busy.name);
      await flavor.handle.executeUpdate(flushUpdate, { args: [{ busy: true }] });
      await flavor.until((s) => s.totals.created === 6 && s.currentRunners === 2, 'refilled after the busy flush');
    },
  },
  {
    name: 'drain',
    holds: 'stop: idle runners removed at once, a busy one drained when its job ends, then the end',
    async run({ cloud, start }) {
      const flavor = await start({ cleanupIntervalSeconds: 2 });
      cloud.planner.setPressure(flavor.name, 2);
      const listed = await flavor.until((s) => s.currentRunners === 2 && s.totals.cleanupTicks >= 2, 'two runners');
      const [busy] = cloud.github.runners().filter((runner) => runner.name.startsWith(`${flavor.name}-`));
      cloud.assignJob(busy.name);
      await flavor.until((s) => s.totals.cleanupTicks > listed.totals.cleanupTicks, 'a tick seeing the busy runner');
      await flavor.handle.cancel();
      await flavor.until((s) => s.stopping === true && s.currentRunners === 1, 'the idle runner gone');
      cloud.finishJob(busy.name);
      await flavor.handle.result().catch(() => undefined);
    },
  },
  {
    name: 'drain-late-flush',
    holds: 'stop: a flush asked for during the drain’s last step, served by one more step, then the end',
    async run({ cloud, start }) {
      const flavor = await start({ cleanupIntervalSeconds: 2 });
      // No runner: the drain's first step leaves nothing, and the flush arrives while it lists.
      cloud.planner.setPressure(flavor.name, 0);
      await flavor.until((s) => s.totals.cleanupTicks >= 1 && !s.operation, 'a first tick');
      cloud.openstack.setFaults({ latencyMs: 2000, service: 'compute', method: 'GET', route: '/servers/detail' });
      await flavor.handle.cancel();
      await flavor.until((s) => s.stopping === true && s.operation === 'delete', 'the drain’s step under way');
      await flavor.handle.executeUpdate(flushUpdate, { args: [{}] });
      cloud.openstack.setFaults({});
      await flavor.handle.result().catch(() => undefined);
    },
  },
];

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: devServerExecutable(), log: { format: 'pretty', level: 'error' } },
  });
  const cloud = await startSimulatedCloud({ openstack: { bootDelayMs: 100 } });
  const config = cloud.workerConfig({ address: env.address, namespace: 'default', taskQueue: TASK_QUEUE });
  const client = env.client;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: await bundleApart(),
    activities: buildActivities(config, client),
    sinks: flavorMetricsSinks(),
  });
  const only = process.argv.slice(2);
  try {
    await worker.runUntil(async () => {
      for (const scenario of scenarios.filter((s) => only.length === 0 || only.includes(s.name))) {
        const started: Flavor[] = [];
        const context: Context = {
          client,
          cloud,
          async start(settings) {
            const name = `rec-${scenario.name}`;
            const settingsWithVm = { flavor: name, ...VM, ...settings };
            const { handle, firstRunId } = await startFlavor(client, {
              taskQueue: TASK_QUEUE,
              settings: settingsWithVm,
            });
            if (!firstRunId) throw new Error(`${name} was running already: record on a fresh server`);
            const flavor: Flavor = {
              name,
              firstRunId,
              handle,
              until: (accept, what) => until(() => handle.query(stateQuery), accept, `${name}: ${what}`),
            };
            started.push(flavor);
            return flavor;
          },
        };
        await scenario.run(context);
        for (const flavor of started) await save(client, scenario, flavor);
        console.log(`recorded ${scenario.name}: ${scenario.holds}`);
      }
    });
  } finally {
    await cloud.close();
    await env.teardown();
  }
}

/** Every run of the flavor's workflow, from the first along its continue-as-new chain; an open one is terminated. */
async function save(client: Client, scenario: Scenario, flavor: Flavor): Promise<void> {
  const { workflowId } = flavor.handle;
  if ((await flavor.handle.describe()).status.name === 'RUNNING') await flavor.handle.terminate('recorded');
  const histories = [];
  for (let runId: string | null | undefined = flavor.firstRunId; runId;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    histories.push(history);
    const last = history.events?.at(-1);
    runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  for (const [index, history] of histories.entries()) {
    const suffix = histories.length > 1 ? `-run${index + 1}` : '';
    writeHistoryFile(path.join(__dirname, `${scenario.name}${suffix}.json`), {
      holds: scenario.holds,
      workflowId,
      history,
    });
  }
}

async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
