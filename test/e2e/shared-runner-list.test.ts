import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { applySettingsUpdate, stateQuery } from '../../contracts/definitions';
import type { FlavorSettingsInput } from '../../contracts/settings';
import { startFlavor } from '../../contracts/start-flavor';
import type { FlavorState } from '../../contracts/state';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import { buildActivities } from '../../worker/activities';
import { connectTestEnv, createTestWorker, uniqueName } from '../support/temporal';
import { eventually } from '../support/wait';

/**
 * The worker's flavors share one GitHub runner list per cleanup interval. A runner made after that list
 * was read is not in it; the tick that reuses the list must keep it (and count it), not take it for a
 * finished runner whose registration is gone. Real Temporal, the real activities and clients, the
 * simulators over loopback.
 */
let env: TestWorkflowEnvironment;
let cloud: SimulatedCloud;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueName('shared-list');
const GITHUB_LIST = 'GET /orgs/{org}/actions/runners';

beforeAll(async () => {
  env = await connectTestEnv();
  cloud = await startSimulatedCloud({ openstack: { bootDelayMs: 200 } });
  const config = cloud.workerConfig({ address: env.address, namespace: 'default', taskQueue });
  worker = await createTestWorker(env, { taskQueue, activities: buildActivities(config, env.client) });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await cloud?.close();
  await env?.teardown();
});

const settingsOf = (flavor: string): FlavorSettingsInput => ({
  flavor,
  cleanupIntervalSeconds: 300,
  image: 'ubuntu-24.04',
  openstackFlavor: 'm1.small',
  network: 'runners-net',
  labels: ['self-hosted', 'shared'],
});

const until = (handle: WorkflowHandle, accept: (s: FlavorState) => boolean, what: string) =>
  eventually(() => handle.query(stateQuery), accept, { what, timeoutMs: 30_000 });

test('a runner made between the shared list and the tick that reuses it is kept and counted', async () => {
  const [first, second] = [uniqueName('early'), uniqueName('late')];
  const handles = await Promise.all(
    [first, second].map(async (flavor) => {
      cloud.planner.setPressure(flavor, 0);
      return (await startFlavor(env.client, { taskQueue, settings: settingsOf(flavor) })).handle;
    }),
  );
  // Both first ticks done: the worker holds one runner list, read before any runner existed.
  for (const handle of handles) await until(handle, (s) => s.totals.cleanupTicks === 1 && !s.operation, 'first tick');
  const [, late] = handles;
  const listsBefore = cloud.github.stats.calls[GITHUB_LIST];

  cloud.planner.setPressure(second, 2);
  await until(late, (s) => s.currentRunners === 2, 'two runners');
  const vms = () =>
    cloud.openstack
      .servers()
      .filter((server) => server.metadata['runner-flavor'] === second)
      .map((server) => server.id)
      .sort();
  const made = vms();
  expect(made).toHaveLength(2);

  // New settings continue the run as new, and the new run begins with a tick: it reuses the list.
  await late.executeUpdate(applySettingsUpdate, { args: [{ ...settingsOf(second), bootTimeoutSeconds: 900 }] });
  const state = await until(late, (s) => s.totals.cleanupTicks === 2 && !s.operation, 'the tick after the create');

  expect(state.lastCleanup?.removed).toEqual([]);
  expect(state.lastCleanup?.failed).toBeUndefined();
  expect(state.currentRunners).toBe(2);
  expect(vms()).toEqual(made);
  expect(cloud.openstack.stats.createRequests).toHaveLength(2);
  // The tick judged nothing by the list it could not see in it: no list read, no runner asked for by name.
  expect(cloud.github.stats.calls[GITHUB_LIST]).toBe(listsBefore);
});
