import { GitHubApiError, RunnerNameTaken, type GitHubRunnerClient } from '../../activities/github/client';
import { startGitHubSimulator, type GitHubSimulator } from '../../simulators/github';
import { clientOf, rejectionOf } from './harness';

describe('GitHub runner client: runners', () => {
  let sim: GitHubSimulator;
  let client: GitHubRunnerClient;
  const groupLookups = () => sim.stats.calls['GET /orgs/{org}/actions/runner-groups'] ?? 0;

  beforeAll(async () => {
    // 150 groups besides Default: "builders" and "late" are on the second page of 100.
    const runnerGroups = Array.from({ length: 150 }, (_, i) => ({ id: 10 + i, name: `team-${i}` }));
    runnerGroups[120].name = 'builders';
    runnerGroups[140].name = 'late';
    sim = await startGitHubSimulator({ runnerGroups });
    client = clientOf(sim);
  });
  afterAll(() => sim.close());

  describe('runner groups', () => {
    test('a group is found by name on page 2, then cached', async () => {
      await client.generateJitConfig({ name: 'grp-1', labels: ['x'], runnerGroup: 'builders' });
      expect(groupLookups()).toBe(2);
      await client.generateJitConfig({ name: 'grp-2', labels: ['x'], runnerGroup: 'builders' });
      expect(groupLookups()).toBe(2);
      const groupIds = sim.runners().filter((runner) => runner.name.startsWith('grp-'));
      expect(groupIds.map((runner) => runner.runnerGroupId)).toEqual([130, 130]);
    });

    test('concurrent registrations share one lookup', async () => {
      const before = groupLookups();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          client.generateJitConfig({ name: `late-${i}`, labels: ['x'], runnerGroup: 'late' }),
        ),
      );
      expect(groupLookups() - before).toBe(2);
    });

    test('no group named means the default group', async () => {
      await client.generateJitConfig({ name: 'dflt-1', labels: ['x'] });
      expect(sim.runners().find((runner) => runner.name === 'dflt-1')?.runnerGroupId).toBe(1);
    });

    test('an unknown group fails, not retryable, and is looked up again next time', async () => {
      const before = groupLookups();
      const error = await rejectionOf(client.generateJitConfig({ name: 'nog-1', labels: ['x'], runnerGroup: 'nope' }));
      expect(error).toBeInstanceOf(GitHubApiError);
      expect(error).toMatchObject({ status: 404, retryable: false });
      await rejectionOf(client.generateJitConfig({ name: 'nog-1', labels: ['x'], runnerGroup: 'nope' }));
      expect(groupLookups() - before).toBe(4);
    });
  });

  test('a name registered already is a RunnerNameTaken', async () => {
    await client.generateJitConfig({ name: 'dup-1', labels: ['x'] });
    const error = await rejectionOf(client.generateJitConfig({ name: 'dup-1', labels: ['x'] }));
    expect(error).toBeInstanceOf(RunnerNameTaken);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ name: 'RunnerNameTaken', runnerName: 'dup-1', status: 409, retryable: false });
    expect(sim.stats.calls['POST /orgs/{org}/actions/runners/generate-jitconfig']).toBeGreaterThan(0);
  });

  test('listing reads every page (per_page 100) and keeps this manager’s runners only', async () => {
    for (let i = 0; i < 200; i += 1) sim.addRunner({ name: `ours-${i}`, busy: i % 10 === 0 });
    for (let i = 0; i < 50; i += 1) sim.addRunner({ name: `theirs-${i}` });
    const total = sim.runners().length;
    const before = sim.stats.calls['GET /orgs/{org}/actions/runners'] ?? 0;
    const ours = await client.listRunners((name) => name.startsWith('ours-'));
    expect(ours).toHaveLength(200);
    expect(ours.filter((runner) => runner.busy)).toHaveLength(20);
    expect(ours.every((runner) => runner.status === 'online')).toBe(true);
    expect(sim.stats.calls['GET /orgs/{org}/actions/runners'] - before).toBe(Math.ceil(total / 100));
    expect(await client.listRunners()).toHaveLength(total);
  });

  test('delete: 204 is deleted, 404 is gone, 422 (a job took the runner) is busy', async () => {
    const idle = await client.generateJitConfig({ name: 'del-idle', labels: ['x'] });
    expect(await client.deleteRunner(idle.runnerId)).toBe('deleted');
    expect(await client.deleteRunner(idle.runnerId)).toBe('gone');
    const taken = await client.generateJitConfig({ name: 'del-busy', labels: ['x'] });
    sim.bootRunner(taken.encodedJitConfig);
    sim.assignJob('del-busy');
    const refusedBefore = sim.stats.deletesRefusedBusy;
    expect(await client.deleteRunner(taken.runnerId)).toBe('busy');
    expect(sim.stats.deletesRefusedBusy - refusedBefore).toBe(1);
    sim.finishJob('del-busy');
    expect(await client.deleteRunner(taken.runnerId)).toBe('gone');
  });

  test('a runner seen through its life: offline, online idle, busy, deregistered', async () => {
    const { runnerId, encodedJitConfig } = await client.generateJitConfig({ name: 'life-1', labels: ['x'] });
    const seen = async () => (await client.listRunners((name) => name === 'life-1'))[0];
    expect(await seen()).toMatchObject({ id: runnerId, status: 'offline', busy: false });
    sim.bootRunner(encodedJitConfig);
    expect(await seen()).toMatchObject({ status: 'online', busy: false });
    sim.assignJob('life-1');
    expect(await seen()).toMatchObject({ status: 'online', busy: true });
    sim.finishJob('life-1');
    expect(await seen()).toBeUndefined();
  });
});
