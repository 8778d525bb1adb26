import { inspect } from 'node:util';
import { startGitHubSimulator, type GitHubSimulator } from '../../simulators/github';
import { appKeyPair, clientOf, rejectionOf } from './harness';

/** Every way a call can fail, and none of the errors may carry a credential or a JIT config. */
describe('GitHub runner client: errors carry no secrets', () => {
  const keys = appKeyPair();
  const app = { kind: 'app' as const, appId: 11, installationId: 12, privateKey: keys.privateKey };
  let sim: GitHubSimulator;

  beforeAll(async () => {
    sim = await startGitHubSimulator({ app: { appId: 11, installationId: 12, publicKeyPem: keys.publicKey } });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.resetFaults());

  test('no token, key or JIT config in any message, JSON or inspection of an error', async () => {
    const pat = clientOf(sim);
    const installation = clientOf(sim, { auth: app });
    const { encodedJitConfig } = await installation.generateJitConfig({ name: 'sec-1', labels: ['x'] });
    // One after another: @octokit/auth-app (8.x) shares a token request in flight between all its auths of
    // one installation id (octokit/auth-app.js#689), so the wrong key's failing one would answer the
    // right key's call made at the same moment.
    const failures: (() => Promise<unknown>)[] = [
      () => clientOf(sim, { auth: { kind: 'token', token: 'ghp_WrongButSecretLooking0123456789abcd' } }).listRunners(),
      () => clientOf(sim, { auth: { ...app, privateKey: appKeyPair().privateKey } }).listRunners(),
      () => clientOf(sim, { auth: { ...app, installationId: 13 } }).listRunners(),
      () => installation.generateJitConfig({ name: 'sec-1', labels: ['x'] }),
      () => installation.generateJitConfig({ name: 'sec-2', labels: ['x'], runnerGroup: 'missing' }),
      () => pat.generateJitConfig({ name: 'sec-3', labels: [] }),
      () => clientOf(sim, { scope: { org: 'other' } }).listRunners(),
    ];
    const errors = [];
    for (const failure of failures) errors.push(await rejectionOf(failure()));
    sim.faults.rateLimit = { kind: 'secondary', count: 1, retryAfterSeconds: 3600 };
    errors.push(await rejectionOf(installation.listRunners()));
    sim.faults.status429Count = 1;
    sim.faults.status429RetryAfterSeconds = 3600;
    errors.push(await rejectionOf(pat.deleteRunner(1)));

    expect(errors.map((error) => error.name)).toEqual([
      'GitHubApiError',
      'GitHubApiError',
      'GitHubApiError',
      'RunnerNameTaken',
      'GitHubApiError',
      'GitHubApiError',
      'GitHubApiError',
      'GitHubRateLimitedError',
      'GitHubRateLimitedError',
    ]);
    for (const error of errors) {
      for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 10 })]) {
        expect(text).not.toContain(sim.token);
        expect(text).not.toMatch(/gh[ps]_[A-Za-z0-9]{10}/);
        expect(text).not.toMatch(/PRIVATE KEY|eyJ/);
        expect(text).not.toContain(encodedJitConfig.slice(0, 40));
      }
    }
  });
});
