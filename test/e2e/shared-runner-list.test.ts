import type { WorkflowHandle } from '@temporalio/client';
import { stateQuery } from '../../contracts/definitions';
import type { FlavorSettingsInput } from '../../contracts/settings';
import { startFlavor } from '../../contracts/start-flavor';
import type { FlavorState } from '../../contracts/state';
import { useSimulatedWorker } from '../support/simulated-worker';
import { uniqueName } from '../support/temporal';
import { eventually, sleep } from '../support/wait';

/**
 * The worker's flavors share one GitHub runner list per cleanup interval. A runner made after that list
 * was read is not in it; the tick that reuses the list must keep it (and count it), not take it for a
 * finished runner whose registration is gone. Real Temporal, the real activities and clients, the
 * simulators over loopback.
 */
const sim = useSimulatedWorker('shared-list', { openstack: { bootDelayMs: 200 } });
const { taskQueue } = sim;
const GITHUB_LIST = 'GET /orgs/{org}/actions/runners';

const INTERVAL_SECONDS = 20;
/**
 * `early` starts this long after `late`'s first tick. `late`'s next tick reuses `early`'s list only if it
 * runs less than this late (timer, task and activity delays under load): without the gap a busy machine
 * made that tick read a list of its own, and the test failed for that rather than for the runners.
 */
const START_GAP_MS = 5000;

const settingsOf = (flavor: string): FlavorSettingsInput => ({
  flavor,
  cleanupIntervalSeconds: INTERVAL_SECONDS,
  image: 'ubuntu-24.04',
  openstackFlavor: 'm1.small',
  network: 'runners-net',
  labels: ['self-hosted', 'shared'],
});

const until = (handle: WorkflowHandle, accept: (s: FlavorState) => boolean, what: string, timeoutMs = 30_000) =>
  eventually(() => handle.query(stateQuery), accept, { what, timeoutMs });

const start = async (flavor: string) => {
  sim.cloud.planner.setPressure(flavor, 0);
  const { handle } = await startFlavor(sim.env.client, { taskQueue, settings: settingsOf(flavor) });
  await until(handle, (s) => s.totals.cleanupTicks === 1 && !s.operation, `${flavor}'s first tick`);
  return handle;
};

test('a runner made between the shared list and the tick that reuses it is kept and counted', async () => {
  const [lateFlavor, earlyFlavor] = [uniqueName('late'), uniqueName('early')];
  // A run's first tick reads a list of its own: `late`'s, then `early`'s, the one the worker then holds.
  const late = await start(lateFlavor);
  await sleep(START_GAP_MS);
  await start(earlyFlavor);
  const listsBefore = sim.cloud.github.stats.calls[GITHUB_LIST];

  sim.cloud.planner.setPressure(lateFlavor, 2);
  await until(late, (s) => s.currentRunners === 2, 'two runners');
  const vms = () =>
    sim.cloud.openstack
      .servers()
      .filter((server) => server.metadata['runner-flavor'] === lateFlavor)
      .map((server) => server.id)
      .sort();
  const made = vms();
  expect(made).toHaveLength(2);

  // `late`'s next tick, an interval after its first, reuses `early`'s list, read before these runners.
  const state = await until(
    late,
    (s) => s.totals.cleanupTicks === 2 && !s.operation,
    'the tick after the create',
    INTERVAL_SECONDS * 2000,
  );

  expect(state.lastCleanup?.removed).toEqual([]);
  expect(state.lastCleanup?.failed).toBeUndefined();
  expect(state.currentRunners).toBe(2);
  expect(vms()).toEqual(made);
  expect(sim.cloud.openstack.stats.createRequests).toHaveLength(2);
  // The tick judged nothing by the list it could not see in it: no list read, no runner asked for by name.
  expect(sim.cloud.github.stats.calls[GITHUB_LIST]).toBe(listsBefore);
});
