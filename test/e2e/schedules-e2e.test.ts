import type { WorkflowHandle } from '@temporalio/client';
import { startFlavor } from '../../contracts/start-flavor';
import { stateQuery } from '../../contracts/definitions';
import type { ScheduleWindow } from '../../contracts/schedules';
import type { FlavorState } from '../../contracts/state';
import { windowOpeningIn } from '../support/schedule-window';
import { useSimulatedWorker } from '../support/simulated-worker';
import { uniqueName } from '../support/temporal';
import { eventually, sleep } from '../support/wait';

/**
 * Scheduled warm capacity end to end, on the dev server with short windows (the time-skipping test
 * server is a download from outside the registries): a real worker and real activities against the
 * OpenStack, GitHub and planner simulators. A window opening raises desired and VMs appear; its closing
 * lets the next cleanup ticks delete the idle runners (once idle confirmation has seen them idle); a
 * worker down across the opening loses nothing.
 */
const sim = useSimulatedWorker('schedules', { openstack: { bootDelayMs: 200 } });
const { taskQueue } = sim;

async function startScheduledFlavor(window: ScheduleWindow) {
  const flavor = uniqueName('sched');
  const { handle } = await startFlavor(sim.env.client, {
    taskQueue,
    settings: {
      flavor,
      mode: 'static',
      minRunners: 0,
      cleanupIntervalSeconds: 1,
      // Idle confirmation applies, short: two idle sightings 2 s apart, runners older than 3 s.
      idleConfirmSeconds: 2,
      minRunnerAgeSeconds: 3,
      image: 'ubuntu-24.04',
      openstackFlavor: 'm1.small',
      network: 'runners-net',
      schedules: [window],
    },
  });
  const vms = () => sim.cloud.openstack.servers().filter((s) => s.metadata['runner-flavor'] === flavor);
  return { handle, vms };
}

const until = (handle: WorkflowHandle, accept: (s: FlavorState) => boolean, what: string) =>
  eventually(() => handle.query(stateQuery), accept, { what, timeoutMs: 30_000 });

const iso = (ms: number) => new Date(ms).toISOString();

test('a window opening raises desired and makes VMs; its closing lets the ticks delete the idle runners', async () => {
  const { window, opensAt, closesAt } = windowOpeningIn(6, 8, 2);
  const { handle, vms } = await startScheduledFlavor(window);

  const before = await until(handle, (s) => s.totals.cleanupTicks >= 1, 'the first tick');
  expect(before).toMatchObject({ desired: 0, schedule: { inForce: [], minRunners: 0, nextChangeAt: iso(opensAt) } });
  expect(vms()).toHaveLength(0);

  const open = await until(handle, (s) => s.currentRunners === 2, 'two runners in the window');
  expect(open).toMatchObject({
    desired: 2,
    schedule: { inForce: [{ name: 'warm', until: iso(closesAt), minRunners: 2 }], nextChangeAt: iso(closesAt) },
  });
  expect(vms()).toHaveLength(2);
  // Both runners come online at GitHub (idle), so nothing but the window keeps them.
  await eventually(
    async () =>
      sim.cloud.github.runners().filter((r) => vms().some((vm) => vm.name === r.name) && r.status === 'online'),
    (online) => online.length === 2,
    { what: 'both runners online' },
  );

  const closed = await until(handle, (s) => s.schedule?.inForce.length === 0, 'the window closed');
  expect(closed.desired).toBe(0);
  expect(Date.now()).toBeGreaterThanOrEqual(closesAt);
  await eventually(
    async () => vms().length,
    (n) => n === 0,
    { what: 'the idle VMs deleted after the window', timeoutMs: 30_000 },
  );
  const after = await until(handle, (s) => s.currentRunners === 0, 'count 0');
  expect(after.totals.deleted).toBe(2);
  // A window written for one date opens again next year, on that date.
  expect(Date.parse(after.schedule?.nextChangeAt ?? '')).toBeGreaterThan(opensAt + 300 * 86_400_000);
});

test('a worker down across the opening loses nothing: the durable timer fires and the next worker acts on it', async () => {
  const { window, opensAt } = windowOpeningIn(4, 600, 1);
  const { handle, vms } = await startScheduledFlavor(window);
  await until(handle, (s) => s.totals.cleanupTicks >= 1 && s.schedule?.nextChangeAt === iso(opensAt), 'waiting');

  await sim.stopWorkers();
  await sleep(Math.max(opensAt + 2000 - Date.now(), 0));
  expect(vms()).toHaveLength(0);
  const restartedAt = Date.now();
  await sim.startWorker();

  const open = await until(handle, (s) => s.currentRunners === 1, 'the window’s runner');
  expect(open.schedule?.inForce.map((w) => w.name)).toEqual(['warm']);
  expect(vms()).toHaveLength(1);
  // The schedule's timer (the cleanup timer's are 1 s) fired on the server while no worker ran.
  const events = (await handle.fetchHistory()).events ?? [];
  const started = events.find((event) => Number(event.timerStartedEventAttributes?.startToFireTimeout?.seconds) >= 2);
  expect(started?.eventId).toBeDefined();
  const fired = events.find(
    (event) => event.timerFiredEventAttributes?.startedEventId?.toString() === started?.eventId?.toString(),
  );
  expect(Number(fired?.eventTime?.seconds) * 1000).toBeLessThan(restartedAt);
});
