import { createRunners } from '../../activities/fleet/create';
import { defaultFleetOptions } from '../../activities/fleet/options';
import { ApplicationFailure } from '@temporalio/common';
import { jitConfigFromUserData } from '../../simulators/vm-boot';
import {
  GITHUB_LIST,
  NOVA_LIST,
  names,
  online,
  registrationNames,
  spec,
  startFleet,
  vmNames,
  vmsNamed,
  type FleetHarness,
} from './support';

let harness: FleetHarness;
afterEach(() => harness?.close());

const POST_SERVERS = { service: 'compute', method: 'POST', route: '/servers' } as const;

describe('createRunners', () => {
  test('makes one VM per name, owned and carrying its JIT config, asking Nova for each name once', async () => {
    harness = await startFleet();
    const { cloud, fleet } = harness;
    const wanted = names('small', 1, 2, 3, 4, 5);

    const result = await fleet.createRunners({ spec, names: wanted });

    expect(result).toEqual({ created: wanted, failed: [] });
    expect(vmNames(cloud)).toEqual(wanted);
    for (const server of cloud.openstack.servers()) {
      expect(server.metadata).toEqual({ 'runner-autoscaler': 'runner-autoscaler', 'runner-flavor': 'small' });
      expect(jitConfigFromUserData(server.userData ?? '')).toEqual(expect.any(String));
    }
    expect(registrationNames(cloud)).toEqual(wanted);
    await online(cloud, wanted);
    expect(cloud.github.runners().every((runner) => runner.status === 'online' && !runner.busy)).toBe(true);

    // One look by name per runner, beside its registration: no fleet list.
    const novaLists = Object.entries(cloud.openstack.stats.calls).filter(([call]) =>
      /^compute GET \/servers(\/detail)?$/.test(call),
    );
    expect(novaLists).toEqual([[NOVA_LIST, 5]]);
    expect(cloud.openstack.stats.serversListed).toBe(0);
    expect(cloud.openstack.stats.createRequests.map(({ name, status }) => `${name} ${status}`).sort()).toEqual(
      wanted.map((name) => `${name} 202`),
    );
    expect(cloud.github.stats.calls[GITHUB_LIST]).toBeUndefined();
    expect(cloud.github.stats.jitConfigsIssued).toBe(5);
  });

  test('a repeated call makes no second VM and reports the runners created', async () => {
    harness = await startFleet();
    const { cloud, fleet } = harness;
    const wanted = names('small', 1, 2, 3);
    await fleet.createRunners({ spec, names: wanted });

    expect(await fleet.createRunners({ spec, names: wanted })).toEqual({ created: wanted, failed: [] });

    expect(vmNames(cloud)).toEqual(wanted);
    expect(cloud.openstack.stats.createRequests).toHaveLength(3);
    expect(registrationNames(cloud)).toEqual(wanted);
    expect(cloud.github.stats.jitConfigsIssued).toBe(3);
    // One look per name and call: the second call's finds each VM, and its 409 needs no other.
    expect(cloud.openstack.stats.calls[NOVA_LIST]).toBe(6);
  });

  test('a create carried out again after its runner ran its job and deregistered makes no twin', async () => {
    harness = await startFleet();
    const { cloud, fleet } = harness;
    await fleet.createRunners({ spec, names: ['small-1'] });
    await online(cloud, ['small-1']);
    // The whole life of a just-in-time runner: one job, then GitHub drops its registration.
    cloud.github.assignJob('small-1');
    cloud.github.finishJob('small-1');
    expect(registrationNames(cloud)).toEqual([]);

    // The same create again, as after a worker died before its result was recorded: GitHub takes the name afresh.
    expect(await fleet.createRunners({ spec, names: ['small-1'] })).toEqual({ created: ['small-1'], failed: [] });
    expect(vmsNamed(cloud, 'small-1')).toHaveLength(1);
    expect(cloud.openstack.stats.createRequests).toHaveLength(1);
    // The registration the second call made serves no VM: it is gone again.
    expect(registrationNames(cloud)).toEqual([]);
  });

  test('a registration left without its VM gives its name up: that VM may still come, and none is asked for twice', async () => {
    harness = await startFleet();
    const { cloud, fleet, registry } = harness;
    const stale = await registry.generateJitConfig({ name: 'small-7', labels: spec.labels });
    harness.jitConfigs.add(stale.encodedJitConfig);

    const { created, failed } = await fleet.createRunners({ spec, names: names('small', 7, 8) });

    expect(created).toEqual(['small-8']);
    expect(failed).toEqual([{ name: 'small-7', reason: expect.stringMatching(/not asked for twice/) }]);
    expect(vmNames(cloud)).toEqual(['small-8']);
    expect(cloud.openstack.stats.createRequests.map((request) => request.name)).toEqual(['small-8']);
    // The lone registration is the next cleanup tick's (registration without VM).
    expect(registrationNames(cloud)).toEqual(names('small', 7, 8));
    expect(cloud.github.runners().find((runner) => runner.name === 'small-7')?.id).toBe(stale.runnerId);
  });

  test('a VM create Nova refuses (4xx) gives its registration up: none is left dangling', async () => {
    harness = await startFleet();
    const { cloud, fleet } = harness;
    cloud.openstack.setFaults({ ...POST_SERVERS, errorRate: 1, errorStatus: 400, maxFaults: 1 });

    const result = await fleet.createRunners({ spec, names: names('small', 1, 2) });

    expect(result.created).toHaveLength(1);
    expect(result.failed).toEqual([{ name: expect.stringMatching(/^small-[12]$/), reason: expect.any(String) }]);
    expect(cloud.openstack.stats.createRequests).toHaveLength(2);
    expect(vmNames(cloud)).toEqual(result.created);
    expect(registrationNames(cloud)).toEqual(result.created);
  });

  test('after a 500 Nova answered with no VM made, the registration goes and the retry makes the VM once', async () => {
    harness = await startFleet();
    const { cloud, fleet } = harness;
    cloud.openstack.setFaults({ ...POST_SERVERS, errorRate: 1, errorStatus: 500, maxFaults: 1 });

    const result = await fleet.createRunners({ spec, names: names('small', 1, 2) });

    expect(result.failed).toEqual([
      { name: expect.stringMatching(/^small-[12]$/), reason: expect.stringMatching(/500/) },
    ]);
    // Never repeated blindly within the attempt; Nova's answer ended the request, so the name is free again.
    expect(cloud.openstack.stats.createRequests).toHaveLength(2);
    expect(registrationNames(cloud)).toEqual(result.created);

    expect(await fleet.createRunners({ spec, names: names('small', 1, 2) })).toEqual({
      created: names('small', 1, 2),
      failed: [],
    });
    expect(vmNames(cloud)).toEqual(names('small', 1, 2));
    await online(cloud, names('small', 1, 2));
  });

  test('a create where every runner fails throws, so that Temporal retries it, and the retry makes each VM once', async () => {
    harness = await startFleet();
    const { cloud, fleet } = harness;
    cloud.openstack.setFaults({ ...POST_SERVERS, errorRate: 1, errorStatus: 500 });

    const failure = await fleet.createRunners({ spec, names: names('small', 1, 2, 3) }).then(
      () => undefined,
      (err: unknown) => err,
    );

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'CreateFailed', nonRetryable: false, message: expect.stringMatching(/500/) });
    expect(vmNames(cloud)).toEqual([]);
    // Nova answered each with a 500 and made nothing: no registration is left to dangle.
    expect(registrationNames(cloud)).toEqual([]);

    cloud.openstack.setFaults();
    expect(await fleet.createRunners({ spec, names: names('small', 1, 2, 3) })).toEqual({
      created: names('small', 1, 2, 3),
      failed: [],
    });
    await online(cloud, names('small', 1, 2, 3));
  });

  test('a VM made whose answer was lost counts as created, and no twin follows', async () => {
    harness = await startFleet();
    const { cloud, fleet } = harness;
    cloud.openstack.setFaults({ ...POST_SERVERS, dropRate: 1, dropAfterHandling: true, maxFaults: 1 });

    expect(await fleet.createRunners({ spec, names: ['small-1'] })).toEqual({ created: ['small-1'], failed: [] });
    expect(cloud.openstack.stats.createRequests.map(({ status }) => status)).toEqual(['dropped']);

    expect(await fleet.createRunners({ spec, names: ['small-1'] })).toEqual({ created: ['small-1'], failed: [] });
    expect(vmNames(cloud)).toEqual(['small-1']);
    expect(registrationNames(cloud)).toEqual(['small-1']);
    await online(cloud, ['small-1']);
  });

  test('a create that got no answer keeps its registration, and the retry asks for no second VM', async () => {
    harness = await startFleet();
    const { cloud, fleet } = harness;
    // Cut off before Nova acted: from the client's side no different from a create Nova carries out late.
    cloud.openstack.setFaults({ ...POST_SERVERS, dropRate: 1, maxFaults: 1 });

    const result = await fleet.createRunners({ spec, names: names('small', 1, 2) });

    expect(result.created).toHaveLength(1);
    expect(result.failed).toHaveLength(1);
    const [lost] = result.failed;
    expect(vmNames(cloud)).toEqual(result.created);
    expect(registrationNames(cloud)).toEqual(names('small', 1, 2));
    expect(await fleet.createRunners({ spec, names: [lost.name] }).catch((err: Error) => err.message)).toMatch(
      /not asked for twice/,
    );
    expect(cloud.openstack.stats.createRequests).toHaveLength(2);
  });

  test('a create Nova carries out after the client gave up is found by the retry, and no twin is made', async () => {
    harness = await startFleet({ client: { timeoutMs: 1_000 } });
    const { cloud, fleet } = harness;
    await fleet.createRunners({ spec, names: ['small-0'] }); // names resolved and cached
    // Nova answers each create 3 s late: the client gives up after 1 s, and Nova makes the VM anyway.
    cloud.openstack.setFaults({ ...POST_SERVERS, latencyMs: 3_000 });
    await expect(fleet.createRunners({ spec, names: ['small-1'] })).rejects.toThrow(/no runner created/);
    await expect(fleet.createRunners({ spec, names: ['small-1'] })).rejects.toThrow(/not asked for twice/);
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    expect(await fleet.createRunners({ spec, names: ['small-1'] })).toEqual({ created: ['small-1'], failed: [] });
    expect(vmsNamed(cloud, 'small-1')).toHaveLength(1);
    expect(cloud.openstack.stats.createRequests.filter((request) => request.name === 'small-1')).toHaveLength(1);
    await online(cloud, ['small-1']);
  });

  test('when the lookup after a failed create fails too, the registration is kept for the retry', async () => {
    harness = await startFleet({ client: { retry: { maxAttempts: 1 } } });
    const { cloud, fleet } = harness;
    await fleet.createRunners({ spec, names: ['small-0'] }); // names resolved and cached: no GET but the lookup
    // The look beside the registration, the create's answer and the lookup that would find its VM: all lost.
    cloud.openstack.setFaults({ service: 'compute', dropRate: 1, dropAfterHandling: true, maxFaults: 3 });
    await expect(fleet.createRunners({ spec, names: ['small-1'] })).rejects.toThrow(/no runner created/);
    expect(vmNames(cloud)).toEqual(['small-0', 'small-1']);
    expect(registrationNames(cloud)).toEqual(['small-0', 'small-1']);

    // The retry meets the registration (409), finds the VM, and makes no twin.
    expect(await fleet.createRunners({ spec, names: ['small-1'] })).toEqual({ created: ['small-1'], failed: [] });
    expect(vmsNamed(cloud, 'small-1')).toHaveLength(1);
    expect(cloud.openstack.stats.createRequests).toHaveLength(2);
    await online(cloud, ['small-1']);
  });
});

describe('a cancelled create attempt', () => {
  test('starts no further runner, so it cannot race its own retry', async () => {
    harness = await startFleet();
    const { cloud, compute, registry } = harness;
    const deps = { compute, registry, options: defaultFleetOptions };

    const result = await createRunners(deps, spec, names('small', 1, 2), AbortSignal.abort());

    expect(result).toEqual({
      created: [],
      failed: names('small', 1, 2).map((name) => ({ name, reason: 'not started: the attempt was cancelled' })),
    });
    expect(vmNames(cloud)).toEqual([]);
    expect(registrationNames(cloud)).toEqual([]);
  });
});
