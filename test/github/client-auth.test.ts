import { GitHubApiError, type GitHubRunnerClient } from '../../activities/github/client';
import type { RunnerRegistry } from '../../activities/fleet/ports';
import { startGitHubSimulator, type GitHubSimulator } from '../../simulators/github';
import { appKeyPair, clientOf, rejectionOf } from './harness';

describe('GitHub runner client: authentication and scope', () => {
  const keys = appKeyPair();
  const app = { kind: 'app' as const, appId: 4242, installationId: 99, privateKey: keys.privateKey };
  let sim: GitHubSimulator;

  beforeAll(async () => {
    sim = await startGitHubSimulator({
      org: 'acme',
      repo: { owner: 'acme', repo: 'widgets' },
      app: { appId: 4242, installationId: 99, publicKeyPem: keys.publicKey },
      runnerGroups: [{ id: 5, name: 'builders' }],
    });
  });
  afterAll(() => sim.close());

  test('the client is the fleet runner registry', () => {
    const registry: RunnerRegistry = clientOf(sim);
    expect(typeof registry.generateJitConfig).toBe('function');
  });

  test('a PAT registers and lists organisation runners', async () => {
    const client = clientOf(sim);
    const { runnerId, encodedJitConfig } = await client.generateJitConfig({ name: 'pat-1', labels: ['linux'] });
    expect(encodedJitConfig).toMatch(/^[A-Za-z0-9+/=]+$/);
    const [runner] = await client.listRunners((name) => name === 'pat-1');
    expect(runner).toEqual({
      id: runnerId,
      name: 'pat-1',
      status: 'offline',
      busy: false,
      labels: ['linux'],
    });
  });

  test('an App installation token is minted once and reused', async () => {
    const client = clientOf(sim, { auth: app });
    const before = sim.stats.installationTokensIssued;
    await client.generateJitConfig({ name: 'app-1', labels: ['linux'], runnerGroup: 'builders' });
    expect(await client.listRunners((name) => name === 'app-1')).toHaveLength(1);
    expect(await client.deleteRunner((await client.listRunners((name) => name === 'app-1'))[0].id)).toBe('deleted');
    expect(sim.stats.installationTokensIssued - before).toBe(1);
    expect(sim.stats.calls['POST /app/installations/{installation_id}/access_tokens']).toBeGreaterThanOrEqual(1);
  });

  test('an App key GitHub does not know fails with a 401, not retryable', async () => {
    const client = clientOf(sim, { auth: { ...app, privateKey: appKeyPair().privateKey } });
    const error = await rejectionOf(client.listRunners());
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(error.message).toMatch(/access_tokens/);
  });

  test('a wrong PAT fails with a 401, not retryable', async () => {
    const error = await rejectionOf(
      clientOf(sim, { auth: { kind: 'token', token: 'ghp_notTheRightOne' } }).listRunners(),
    );
    expect(error).toMatchObject({ name: 'GitHubApiError', status: 401, retryable: false });
  });

  describe('repository scope', () => {
    let repoClient: GitHubRunnerClient;
    beforeAll(() => {
      repoClient = clientOf(sim, { scope: { owner: 'acme', repo: 'widgets' } });
    });

    test('registers in the default group, whatever group is named', async () => {
      const groupLookups = () => sim.stats.calls['GET /orgs/{org}/actions/runner-groups'] ?? 0;
      const before = groupLookups();
      await repoClient.generateJitConfig({ name: 'repo-1', labels: ['linux'], runnerGroup: 'builders' });
      const registered = sim.runners().find((runner) => runner.name === 'repo-1');
      expect(registered).toMatchObject({ scope: 'repos/acme/widgets', runnerGroupId: 1 });
      expect(groupLookups()).toBe(before);
    });

    test('sees its own runners only, and deletes them', async () => {
      const names = (await repoClient.listRunners()).map((runner) => runner.name);
      expect(names).toContain('repo-1');
      expect(names).not.toContain('pat-1');
      const [runner] = await repoClient.listRunners((name) => name === 'repo-1');
      expect(await repoClient.deleteRunner(runner.id)).toBe('deleted');
    });
  });

  test('an organisation the credential cannot see is a 404', async () => {
    const error = await rejectionOf(clientOf(sim, { scope: { org: 'elsewhere' } }).listRunners());
    expect(error).toMatchObject({ status: 404, retryable: false });
  });

  test('configuration mistakes fail at once, naming the field only', () => {
    expect(() => clientOf(sim, { auth: { kind: 'token', token: '' } })).toThrow(/auth\.token is empty/);
    expect(() => clientOf(sim, { auth: { ...app, privateKey: 'not a key' } })).toThrow(/auth\.privateKey/);
    expect(() => clientOf(sim, { scope: { owner: 'acme', repo: '' } })).toThrow(/scope/);
    expect(() => clientOf(sim, { baseUrl: 'not a url' })).toThrow(/baseUrl/);
  });
});
