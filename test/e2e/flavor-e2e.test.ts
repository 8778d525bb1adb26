import type { WorkflowHandle } from '@temporalio/client';
import { jitConfigFromUserData } from '../../simulators/vm-boot';
import { startFlavor } from '../../contracts/start-flavor';
import { stateQuery } from '../../contracts/definitions';
import type { FlavorState } from '../../contracts/state';
import { historyText } from '../../bench/history-text';
import { useSimulatedWorker } from '../support/simulated-worker';
import { uniqueName } from '../support/temporal';
import { WITHOUT_IDLE_CONFIRMATION } from '../support/idle-rule';
import { eventually } from '../support/wait';

/**
 * End to end: a real Temporal server, a worker with the real activities and clients, and the three
 * simulators over loopback HTTP. Pressure 0 → 5 → 2 → 0 must lead to exactly those VM counts, and the
 * runners that are busy must come through untouched.
 */
const sim = useSimulatedWorker('e2e', { openstack: { bootDelayMs: 200 } });
const { taskQueue } = sim;

const until = (handle: WorkflowHandle, accept: (s: FlavorState) => boolean, what: string) =>
  eventually(() => handle.query(stateQuery), accept, { what, timeoutMs: 30_000 });

test('pressure 0 → 5 → 2 → 0 gives exactly those VM counts, busy runners untouched, no secret in history', async () => {
  const flavor = uniqueName('e2e');
  const vms = () => sim.cloud.openstack.servers().filter((s) => s.metadata['runner-flavor'] === flavor);
  const online = () =>
    sim.cloud.github.runners().filter((r) => r.name.startsWith(`${flavor}-`) && r.status === 'online');
  const { handle } = await startFlavor(sim.env.client, {
    taskQueue,
    settings: {
      ...WITHOUT_IDLE_CONFIRMATION,
      flavor,
      cleanupIntervalSeconds: 2,
      image: 'ubuntu-24.04',
      openstackFlavor: 'm1.small',
      network: 'runners-net',
      labels: ['self-hosted', 'e2e'],
    },
  });

  sim.cloud.planner.setPressure(flavor, 0);
  await until(handle, (s) => s.desired === 0 && s.stream?.connected === true, 'pressure 0');
  expect(vms()).toHaveLength(0);

  sim.cloud.planner.setPressure(flavor, 5);
  await until(handle, (s) => s.currentRunners === 5, '5 runners');
  expect(vms()).toHaveLength(5);
  const jitConfigs = vms().map((s) => s.userData && jitConfigFromUserData(s.userData));
  expect(jitConfigs.every(Boolean)).toBe(true);
  await eventually(
    async () => online().length,
    (n) => n === 5,
    { what: '5 runners online' },
  );

  const busy = online()
    .slice(0, 2)
    .map((r) => r.name);
  for (const name of busy) sim.cloud.assignJob(name);

  sim.cloud.planner.setPressure(flavor, 2);
  await eventually(
    async () => vms().length,
    (n) => n === 2,
    { what: '2 VMs', timeoutMs: 30_000 },
  );
  expect(
    vms()
      .map((s) => s.name)
      .sort(),
  ).toEqual([...busy].sort());

  sim.cloud.planner.setPressure(flavor, 0);
  const ticks = (await handle.query(stateQuery)).totals.cleanupTicks;
  await until(handle, (s) => s.desired === 0 && s.totals.cleanupTicks >= ticks + 2, 'two ticks at pressure 0');
  expect(vms()).toHaveLength(2);
  expect(sim.cloud.github.runners().filter((r) => busy.includes(r.name) && r.busy)).toHaveLength(2);

  for (const name of busy) sim.cloud.finishJob(name);
  await eventually(
    async () => vms().length,
    (n) => n === 0,
    { what: 'no VM left', timeoutMs: 30_000 },
  );
  await until(handle, (s) => s.currentRunners === 0, 'count 0');
  expect(sim.cloud.github.runners().filter((r) => r.name.startsWith(`${flavor}-`))).toHaveLength(0);

  const secrets = [
    'planner-sim-token',
    sim.cloud.github.token,
    sim.cloud.openstack.credentials.password.reveal(),
    ...jitConfigs,
  ];
  const text = historyText(await handle.fetchHistory());
  expect(text).toContain(flavor);
  // The network name is only ever inside payloads: found, the search reads them.
  expect(text).toContain('runners-net');
  for (const secret of secrets) expect(text).not.toContain(secret);
});
