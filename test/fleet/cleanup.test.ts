import { createRunnerFleet } from '../../activities/fleet';
import type { CleanupRunnersResult } from '../../contracts/activities';
import {
  GITHUB_LIST,
  NOVA_LIST,
  directVm,
  names,
  online,
  registrationNames,
  spec,
  specOf,
  startFleet,
  stuckRunner,
  vmNames,
  vmsNamed,
  type FleetHarness,
} from './support';

let harness: FleetHarness;
afterEach(() => harness?.close());

const states = ({ runners }: CleanupRunnersResult) =>
  runners.map(({ name, state }) => `${name}:${state}`).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
const removals = ({ removed }: CleanupRunnersResult) =>
  removed.map(({ name, detail }) => `${name}:${detail}`).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
const vmIdOf = (harness: FleetHarness, name: string) => vmsNamed(harness.cloud, name)[0].id;

describe('cleanupRunners', () => {
  test('removes the dangling, the finished, the broken and the stuck; keeps idle, busy and booting', async () => {
    harness = await startFleet();
    const { cloud, fleet, registry } = harness;
    await fleet.createRunners({ spec, names: names('small', 1, 2, 3, 4, 5) });
    await online(cloud, names('small', 1, 2, 3, 4, 5));
    await registry.generateJitConfig({ name: 'small-6', labels: spec.labels }); // registration without VM
    cloud.assignJob('small-2');
    cloud.finishJob('small-2'); // deregistered, VM shut off
    cloud.openstack.setServerStatus(vmIdOf(harness, 'small-3'), 'ERROR');
    cloud.assignJob('small-4');
    cloud.openstack.setServerStatus(vmIdOf(harness, 'small-4'), 'ERROR'); // busy: its job finishes first
    await stuckRunner(harness, 'small-7');

    const first = await fleet.cleanupRunners({ spec, bootTimeoutSeconds: 600 });

    expect(removals(first)).toEqual([
      'small-2:VM without registration',
      'small-3:VM in ERROR',
      'small-6:registration without VM',
    ]);
    expect(states(first)).toEqual(['small-1:idle', 'small-4:busy', 'small-5:idle', 'small-7:booting']);
    expect(vmNames(cloud)).toEqual(names('small', 1, 4, 5, 7));
    expect(registrationNames(cloud)).toEqual(names('small', 1, 4, 5, 7));
    const small1 = first.runners.find((runner) => runner.name === 'small-1');
    expect(small1).toEqual({
      name: 'small-1',
      state: 'idle',
      vmId: vmIdOf(harness, 'small-1'),
      vmStatus: 'ACTIVE',
      githubRunnerId: cloud.github.runners().find((runner) => runner.name === 'small-1')?.id,
      createdAt: vmsNamed(cloud, 'small-1')[0].created,
    });

    // Past the boot timeout: the stuck runner goes; the busy one stays, whatever else is wrong with it.
    const second = await fleet.cleanupRunners({ spec, bootTimeoutSeconds: 0 });

    expect(removals(second)).toEqual(['small-7:not online 0 s after boot']);
    expect(states(second)).toEqual(['small-1:idle', 'small-4:busy', 'small-5:idle']);
    expect(vmNames(cloud)).toEqual(names('small', 1, 4, 5));
    expect(registrationNames(cloud)).toEqual(names('small', 1, 4, 5));
    expect(vmsNamed(cloud, 'small-4')[0].status).toBe('ERROR');
  });

  test('a busy runner the GitHub list missed is asked for by name and kept, VM and all', async () => {
    harness = await startFleet();
    const { cloud, compute, registry } = harness;
    const base = createRunnerFleet({ compute, registry });
    await base.createRunners({ spec, names: ['small-1', 'small-2'] });
    await online(cloud, ['small-1', 'small-2']);
    cloud.assignJob('small-1');
    // A list that lost small-1 between its pages, as a paginated list of a changing set can.
    const missing = {
      ...registry,
      listRunners: async (filter?: (name: string) => boolean) =>
        (await registry.listRunners(filter)).filter((runner) => runner.name !== 'small-1'),
    };
    const fleet = createRunnerFleet({ compute, registry: missing });

    const result = await fleet.cleanupRunners({ spec, bootTimeoutSeconds: 600 });

    expect(result.removed).toEqual([]);
    expect(states(result)).toEqual(['small-1:busy', 'small-2:idle']);
    expect(vmNames(cloud)).toEqual(['small-1', 'small-2']);
  });

  test('removes the registration first, the VM after it', async () => {
    harness = await startFleet();
    const { cloud, fleet, deletes } = harness;
    await fleet.createRunners({ spec, names: ['small-1'] });
    await online(cloud, ['small-1']);
    const vmId = vmIdOf(harness, 'small-1');
    const [{ id: runnerId }] = cloud.github.runners();
    cloud.openstack.setServerStatus(vmId, 'ERROR');

    await fleet.cleanupRunners({ spec, bootTimeoutSeconds: 600 });

    expect(deletes).toEqual([`github ${runnerId}`, `vm ${vmId}`]);
  });

  test('a removal that fails is logged and left, in the count, for the next tick', async () => {
    harness = await startFleet({ client: { retry: { maxAttempts: 1 } } });
    const { cloud, fleet, warnings } = harness;
    await fleet.createRunners({ spec, names: names('small', 1, 2) });
    await online(cloud, names('small', 1, 2));
    cloud.openstack.setServerStatus(vmIdOf(harness, 'small-1'), 'ERROR');
    cloud.openstack.setFaults({ service: 'compute', method: 'DELETE', errorRate: 1, errorStatus: 500 });

    const result = await fleet.cleanupRunners({ spec, bootTimeoutSeconds: 600 });

    expect(result.removed).toEqual([]);
    expect(states(result)).toEqual(['small-1:error', 'small-2:idle']);
    expect(warnings).toEqual([
      {
        message: 'cleanup could not remove a runner',
        meta: { runner: 'small-1', reason: 'VM in ERROR', error: expect.stringMatching(/DELETE .* 500/) },
      },
    ]);

    cloud.openstack.setFaults();
    expect(removals(await fleet.cleanupRunners({ spec, bootTimeoutSeconds: 600 }))).toEqual([
      'small-1:VM without registration',
    ]);
    expect(vmNames(cloud)).toEqual(['small-2']);
  });

  test("never touches another flavor's VMs or registrations, even where names share a prefix", async () => {
    harness = await startFleet();
    const { cloud } = harness;
    const other = specOf('foo-0-1');
    const mine = specOf('foo-0');
    await harness.fleet.createRunners({ spec: other, names: names('foo-0-1', 1, 2, 3) });
    await online(cloud, names('foo-0-1', 1, 2, 3));
    // All stale from any fleet's view: finished, in ERROR, a registration without VM, a VM that never boots.
    cloud.assignJob('foo-0-1-1');
    cloud.finishJob('foo-0-1-1');
    cloud.openstack.setServerStatus(vmIdOf(harness, 'foo-0-1-2'), 'ERROR');
    await harness.registry.generateJitConfig({ name: 'foo-0-1-9', labels: other.labels });
    await stuckRunner(harness, 'foo-0-1-8', other);
    // A VM of a name foo-0 does not own, even with foo-0's metadata; a VM foo-0 would own, of another flavor.
    await directVm(harness, 'foo-0-1-7', mine);
    await directVm(harness, 'foo-0-5', other);
    // Ids, not statuses: the simulator goes on booting the VMs it holds, which is none of cleanup's doing.
    const vmsBefore = cloud.openstack.servers().map(({ id }) => id);
    const registrationsBefore = registrationNames(cloud);

    const result = await harness.fleet.cleanupRunners({ spec: mine, bootTimeoutSeconds: 0 });

    expect(result).toEqual({ removed: [], runners: [], listedAt: expect.any(String) });
    expect(cloud.openstack.servers().map(({ id }) => id)).toEqual(vmsBefore);
    expect(registrationNames(cloud)).toEqual(registrationsBefore);
    expect(harness.deletes).toEqual([]);
  });

  test('one VM list and one GitHub list, each read across its pages', async () => {
    harness = await startFleet({ openstack: { pageSizeMax: 2 } });
    const { cloud, fleet } = harness;
    const wanted = names('small', 1, 2, 3, 4, 5);
    await fleet.createRunners({ spec, names: wanted });
    await online(cloud, wanted);
    for (let i = 1; i <= 150; i += 1) cloud.github.addRunner({ name: `elsewhere-${i}` });
    cloud.openstack.resetStats();
    const githubListsBefore = cloud.github.stats.calls[GITHUB_LIST] ?? 0;

    const result = await fleet.cleanupRunners({ spec, bootTimeoutSeconds: 600 });

    expect(states(result)).toEqual(wanted.map((name) => `${name}:idle`));
    // 5 VMs, 2 a page: 3 pages of one list. 155 registrations, 100 a page: 2 pages of one list.
    expect(cloud.openstack.stats.calls[NOVA_LIST]).toBe(3);
    expect(cloud.openstack.stats.calls['compute GET /servers']).toBeUndefined();
    expect(cloud.github.stats.calls[GITHUB_LIST] - githubListsBefore).toBe(2);
  });

  test('flavors on one worker share one GitHub list per interval; each lists only its own VMs', async () => {
    harness = await startFleet();
    const { cloud, fleet } = harness;
    const flavors = ['small', 'foo-1', 'foo-2'].map(specOf);
    for (const each of flavors) await fleet.createRunners({ spec: each, names: names(each.runnerNamePrefix, 1, 2) });
    for (let i = 1; i <= 150; i += 1) cloud.github.addRunner({ name: `elsewhere-${i}` });
    cloud.openstack.resetStats();
    const githubListsBefore = cloud.github.stats.calls[GITHUB_LIST] ?? 0;
    const tick = (each: typeof spec) =>
      fleet.cleanupRunners({ spec: each, bootTimeoutSeconds: 600, runnerListMaxAgeSeconds: 300 });

    const results = await Promise.all(flavors.map(tick));
    const again = await tick(flavors[0]);

    expect(results.map((result) => result.runners.length)).toEqual([2, 2, 2]);
    // Each result dates from the list that judged it, not from its call: idle sightings depend on it.
    expect(new Set([...results, again].map((result) => result.listedAt)).size).toBe(1);
    // 156 registrations, 100 a page: two pages, read once for the three flavors and the second tick.
    expect(cloud.github.stats.calls[GITHUB_LIST] - githubListsBefore).toBe(2);
    expect(cloud.openstack.stats.calls[NOVA_LIST]).toBe(4);
  });

  test('a runner whose job ended after the shared list was read goes at the tick: its VM is off', async () => {
    harness = await startFleet();
    const { cloud, fleet } = harness;
    await fleet.createRunners({ spec, names: names('small', 1, 2) });
    await online(cloud, names('small', 1, 2));
    const tick = () => fleet.cleanupRunners({ spec, bootTimeoutSeconds: 600, runnerListMaxAgeSeconds: 300 });
    await tick();
    cloud.assignJob('small-1');
    cloud.finishJob('small-1'); // deregistered, VM shut off: the list of the first tick still shows it idle

    const result = await tick();

    expect(removals(result)).toEqual(['small-1:VM without registration']);
    expect(states(result)).toEqual(['small-2:idle']);
    expect(vmNames(cloud)).toEqual(['small-2']);
  });

  test('of twin VMs of one name, only the younger is removed, and only its VM', async () => {
    harness = await startFleet();
    const { cloud, fleet } = harness;
    await fleet.createRunners({ spec, names: ['small-1'] });
    const runnerVm = vmIdOf(harness, 'small-1');
    // Made in the same second: Nova's created time cannot tell them apart, only its newest-first order can.
    const twin = await directVm(harness, 'small-1');
    await online(cloud, ['small-1']);

    const result = await fleet.cleanupRunners({ spec, bootTimeoutSeconds: 600 });

    expect(result.removed).toEqual([{ name: 'small-1', reason: 'duplicate_vm', detail: 'duplicate VM' }]);
    expect(result.runners).toEqual([expect.objectContaining({ name: 'small-1', state: 'idle', vmId: runnerVm })]);
    expect(cloud.openstack.servers().map(({ id }) => id)).toEqual([runnerVm]);
    expect(harness.deletes).toEqual([`vm ${twin.id}`]);
    expect(registrationNames(cloud)).toEqual(['small-1']);
  });

  test('a twin made a second or more later is told apart by its created time', async () => {
    harness = await startFleet();
    const { fleet } = harness;
    await fleet.createRunners({ spec, names: ['small-1'] });
    const runnerVm = vmIdOf(harness, 'small-1');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const twin = await directVm(harness, 'small-1');

    const result = await fleet.cleanupRunners({ spec, bootTimeoutSeconds: 600 });

    expect(result.removed).toEqual([{ name: 'small-1', reason: 'duplicate_vm', detail: 'duplicate VM' }]);
    expect(result.runners.map(({ vmId }) => vmId)).toEqual([runnerVm]);
    expect(harness.deletes).toEqual([`vm ${twin.id}`]);
  });
});
