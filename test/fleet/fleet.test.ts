import { ApplicationFailure } from '@temporalio/common';
import { createRunnerFleet } from '../../activities/fleet';
import { createGitHubRunnerClient } from '../../activities/github/client';
import type { RunnerInfo } from '../../contracts/activities';
import {
  expectNoSecret,
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

/** Runners created, booted, and listed by a cleanup tick: the candidates a soft delete receives. */
async function idleRunners(count: number): Promise<RunnerInfo[]> {
  const wanted = names('small', ...Array.from({ length: count }, (_, i) => i + 1));
  await harness.fleet.createRunners({ spec, names: wanted });
  await online(harness.cloud, wanted);
  const { runners } = await harness.fleet.cleanupRunners({ spec, bootTimeoutSeconds: 600 });
  expect(runners.map(({ state }) => state)).toEqual(wanted.map(() => 'idle'));
  return runners.sort((a, b) => a.name.localeCompare(b.name));
}

describe('deleteIdleRunners', () => {
  test('deletes up to count, each GitHub side first and its VM after', async () => {
    harness = await startFleet();
    const candidates = await idleRunners(4);

    const result = await harness.fleet.deleteIdleRunners({ spec, candidates, count: 2 });

    expect(result).toEqual({ deleted: names('small', 1, 2), keptBusy: [] });
    expect(vmNames(harness.cloud)).toEqual(names('small', 3, 4));
    expect(registrationNames(harness.cloud)).toEqual(names('small', 3, 4));
    for (const { githubRunnerId, vmId } of candidates.slice(0, 2)) {
      const order = [`github ${githubRunnerId}`, `vm ${vmId}`].map((entry) => harness.deletes.indexOf(entry));
      expect(order[0]).toBeGreaterThanOrEqual(0);
      expect(order[1]).toBeGreaterThan(order[0]);
    }
    expect(harness.deletes).toHaveLength(4);
  });

  test('a candidate that took a job since the list is kept, VM and all, and the next one goes instead', async () => {
    harness = await startFleet();
    const { cloud } = harness;
    const candidates = await idleRunners(3);
    cloud.assignJob('small-1');
    const busyVm = vmsNamed(cloud, 'small-1')[0];

    const result = await harness.fleet.deleteIdleRunners({ spec, candidates, count: 1 });

    expect(result).toEqual({ deleted: ['small-2'], keptBusy: ['small-1'] });
    expect(cloud.github.stats.deletesRefusedBusy).toBe(1);
    expect(vmsNamed(cloud, 'small-1')).toEqual([busyVm]);
    expect(cloud.github.runners().find((runner) => runner.name === 'small-1')).toMatchObject({ busy: true });
    expect(vmNames(cloud)).toEqual(names('small', 1, 3));
    expect(harness.deletes).not.toContain(`vm ${busyVm.id}`);
  });

  test('asked for more than there are candidates, it deletes what there is', async () => {
    harness = await startFleet();
    const candidates = await idleRunners(2);

    expect(await harness.fleet.deleteIdleRunners({ spec, candidates, count: 5 })).toEqual({
      deleted: names('small', 1, 2),
      keptBusy: [],
    });
    expect(vmNames(harness.cloud)).toEqual([]);
  });
});

describe('per-runner outcomes', () => {
  test('a soft delete that removed three before one failed reports the three, and the one as failed', async () => {
    harness = await startFleet({ client: { retry: { maxAttempts: 1 } } });
    const { cloud } = harness;
    const candidates = await idleRunners(4);
    // Nova refuses one VM delete (403, no retry): its runner's registration is gone, its VM stays.
    cloud.openstack.setFaults({ service: 'compute', method: 'DELETE', errorRate: 1, errorStatus: 403, maxFaults: 1 });

    const result = await harness.fleet.deleteIdleRunners({ spec, candidates, count: 4 });

    expect(result.deleted).toHaveLength(3);
    expect(result.failed).toEqual([
      { name: expect.stringMatching(/^small-\d$/), reason: expect.stringMatching(/403/) },
    ]);
    expect([...result.deleted, result.failed![0].name].sort()).toEqual(names('small', 1, 2, 3, 4));
    expect(vmNames(cloud)).toEqual([result.failed![0].name]);
  });

  test('a flush --busy that could not remove one VM still reports the others', async () => {
    harness = await startFleet({ client: { retry: { maxAttempts: 1 } } });
    const { cloud } = harness;
    const candidates = await idleRunners(3);
    cloud.openstack.setFaults({ service: 'compute', method: 'DELETE', errorRate: 1, errorStatus: 403, maxFaults: 1 });

    const result = await harness.fleet.deleteBusyRunners({ spec, candidates });

    expect(result.deleted).toHaveLength(2);
    expect(result.failed).toHaveLength(1);
  });
});

describe('credentials', () => {
  test('a create with a wrong GitHub token fails at once as GitHubUnauthorized, not as a retryable CreateFailed', async () => {
    harness = await startFleet();
    const { cloud, compute } = harness;
    const registry = createGitHubRunnerClient({
      auth: { kind: 'token', token: 'ghp_wrongWrongWrong' },
      scope: { org: cloud.github.org },
      baseUrl: cloud.github.url,
    });
    const fleet = createRunnerFleet({ compute, registry, log: { warn: () => undefined } });

    const failure = await fleet.createRunners({ spec, names: names('small', 1, 2) }).catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'GitHubUnauthorized', nonRetryable: true });
    expect(vmNames(cloud)).toEqual([]);
  });
});

describe('secrets', () => {
  test('no result holds the GitHub token, the OpenStack password or a JIT config', async () => {
    harness = await startFleet({ client: { retry: { maxAttempts: 1 } } });
    const { cloud, fleet, registry } = harness;
    const results: unknown[] = [];
    results.push(await fleet.createRunners({ spec, names: names('small', 1, 2, 3, 4) }));
    await online(cloud, names('small', 1, 2, 3, 4));
    await registry
      .generateJitConfig({ name: 'small-9', labels: spec.labels })
      .then(({ encodedJitConfig }) => harness.jitConfigs.add(encodedJitConfig));
    results.push(await fleet.createRunners({ spec, names: ['small-1', 'small-9'] }));

    cloud.openstack.setFaults({
      service: 'compute',
      method: 'POST',
      route: '/servers',
      errorRate: 1,
      errorStatus: 500,
    });
    results.push(await fleet.createRunners({ spec, names: ['small-5'] }).catch((err: ApplicationFailure) => err));
    expect(results[2]).toBeInstanceOf(ApplicationFailure);
    cloud.openstack.setFaults();

    cloud.assignJob('small-2');
    cloud.finishJob('small-2');
    cloud.openstack.setServerStatus(vmsNamed(cloud, 'small-3')[0].id, 'ERROR');
    const tick = await fleet.cleanupRunners({ spec, bootTimeoutSeconds: 600 });
    results.push(tick);
    cloud.assignJob('small-1');
    const idle = tick.runners.filter((runner) => runner.state === 'idle');
    results.push(await fleet.deleteIdleRunners({ spec, candidates: idle, count: 1 }));

    expectNoSecret(harness, ...results, String(results[2]), (results[2] as Error).stack);
    expect(harness.jitConfigs.size).toBe(6); // 4 + the stale small-9 (its name given up) + small-5's, given up
  });
});

describe('logging', () => {
  test('outside an activity, a fleet without a logger of its own warns on the console', async () => {
    harness = await startFleet({ client: { retry: { maxAttempts: 1 } } });
    const { cloud, compute, registry } = harness;
    const fleet = createRunnerFleet({ compute, registry });
    await fleet.createRunners({ spec, names: ['small-1'] });
    cloud.openstack.setServerStatus(vmsNamed(cloud, 'small-1')[0].id, 'ERROR');
    cloud.openstack.setFaults({ service: 'compute', method: 'DELETE', errorRate: 1, errorStatus: 500 });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const result = await fleet.cleanupRunners({ spec, bootTimeoutSeconds: 600 });
      expect(result.runners.map(({ name, state }) => `${name}:${state}`)).toEqual(['small-1:error']);
      expect(warn).toHaveBeenCalledWith(
        'cleanup could not remove a runner',
        expect.objectContaining({ runner: 'small-1' }),
      );
    } finally {
      warn.mockRestore();
    }
  });
});

describe('deleteBusyRunners (flush --busy)', () => {
  test('the VM goes although a job runs on it; the next cleanup tick removes what GitHub kept', async () => {
    harness = await startFleet();
    const { cloud } = harness;
    const candidates = await idleRunners(2);
    cloud.assignJob('small-1');

    const result = await harness.fleet.deleteBusyRunners({ spec, candidates });

    expect(result.deleted.sort()).toEqual(names('small', 1, 2));
    expect(vmNames(cloud)).toEqual([]);
    const tick = await harness.fleet.cleanupRunners({ spec, bootTimeoutSeconds: 600 });
    expect(tick.runners).toEqual([]);
    expect(registrationNames(cloud)).toEqual([]);
  });
});
