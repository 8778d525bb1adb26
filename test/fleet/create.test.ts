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
  test('makes one VM per name, owned and carrying its JIT config, and lists nothing', async () => {
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

    const novaCalls = Object.keys(cloud.openstack.stats.calls);
    expect(novaCalls.filter((call) => /^compute GET \/servers(\/detail)?$/.test(call))).toEqual([]);
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
    // The JIT 409 is what sends it looking, once per name.
    expect(cloud.openstack.stats.calls[NOVA_LIST]).toBe(3);
  });

  test('a registration left without its VM is replaced, and the VM made', async () => {
    harness = await startFleet();
    const { cloud, fleet, registry } = harness;
    const stale = await registry.generateJitConfig({ name: 'small-7', labels: spec.labels });
    harness.jitConfigs.add(stale.encodedJitConfig);

    expect(await fleet.createRunners({ spec, names: ['small-7'] })).toEqual({ created: ['small-7'], failed: [] });

    expect(vmNames(cloud)).toEqual(['small-7']);
    const [registration] = cloud.github.runners();
    expect(cloud.github.runners()).toHaveLength(1);
    expect(registration.id).not.toBe(stale.runnerId);
    expect(jitConfigFromUserData(vmsNamed(cloud, 'small-7')[0].userData ?? '')).not.toBe(stale.encodedJitConfig);
    await online(cloud, ['small-7']);
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

  test('after a 500 the registration is kept, and the retry makes the VM once, with no twin', async () => {
    harness = await startFleet();
    const { cloud, fleet } = harness;
    cloud.openstack.setFaults({ ...POST_SERVERS, errorRate: 1, errorStatus: 500, maxFaults: 1 });

    const result = await fleet.createRunners({ spec, names: names('small', 1, 2) });

    expect(result.failed).toEqual([
      { name: expect.stringMatching(/^small-[12]$/), reason: expect.stringMatching(/500/) },
    ]);
    // Never repeated blindly: a 500 on POST /servers may hide a VM that was made.
    expect(cloud.openstack.stats.createRequests).toHaveLength(2);
    expect(registrationNames(cloud)).toEqual(names('small', 1, 2));

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
    // Kept for the retry (a 500 may hide a VM); cleanup removes them if no retry ever comes.
    expect(registrationNames(cloud)).toEqual(names('small', 1, 2, 3));

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

  test('a request cut off before Nova acted fails that runner; the retry makes its VM once', async () => {
    harness = await startFleet();
    const { cloud, fleet } = harness;
    cloud.openstack.setFaults({ ...POST_SERVERS, dropRate: 1, maxFaults: 1 });

    const result = await fleet.createRunners({ spec, names: names('small', 1, 2) });

    expect(result.created).toHaveLength(1);
    expect(result.failed).toHaveLength(1);
    expect(vmNames(cloud)).toEqual(result.created);
    expect(await fleet.createRunners({ spec, names: names('small', 1, 2) })).toMatchObject({ failed: [] });
    expect(vmNames(cloud)).toEqual(names('small', 1, 2));
  });

  test('when the lookup after a failed create fails too, the registration is kept for the retry', async () => {
    harness = await startFleet({ client: { retry: { maxAttempts: 1 } } });
    const { cloud, fleet } = harness;
    await fleet.createRunners({ spec, names: ['small-0'] }); // names resolved and cached: no GET but the lookup
    // The create's answer is lost, and so is the lookup that would have found its VM.
    cloud.openstack.setFaults({ service: 'compute', dropRate: 1, dropAfterHandling: true, maxFaults: 2 });
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
