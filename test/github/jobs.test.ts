import { inspect } from 'node:util';
import { connectGitHub, createGitHubRunnerClient, GitHubApiError } from '../../activities/github/client';
import { createJobChecker } from '../../activities/github/jobs';
import { startGitHubSimulator, type GitHubSimulator } from '../../simulators/github';
import { rejectionOf } from './harness';

/** Reactive mode's checker against the simulator: GitHub's statuses, 404s, and URLs it must not follow. */
describe('GitHub job checker', () => {
  let sim: GitHubSimulator;
  const checkerOf = (baseUrl = sim.url, token = sim.token) =>
    createJobChecker(
      connectGitHub({
        auth: { kind: 'token', token },
        baseUrl,
        log: { warn: () => undefined },
        maxRateLimitWaitSeconds: 0,
      }),
    );
  const totalCalls = () => Object.values(sim.stats.calls).reduce((sum, count) => sum + count, 0);

  beforeAll(async () => {
    sim = await startGitHubSimulator();
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.resetFaults());

  test.each([
    ['queued', 'queued'],
    ['waiting', 'queued'],
    ['requested', 'queued'],
    ['pending', 'queued'],
  ] as const)('a %s job is %s', async (status, expected) => {
    const { url } = sim.queueJob({ labels: ['no-runner-has-this'], status });
    expect(await checkerOf().checkJob({ url })).toEqual({ status: expected });
  });

  test('a job a runner took is in_progress; once its runner finishes, completed', async () => {
    sim.addRunner({ name: 'check-1', labels: ['check'] });
    const { id, url } = sim.queueJob({ labels: ['check'] });
    const checker = checkerOf();
    expect(await checker.checkJob({ url })).toEqual({ status: 'in_progress' });
    sim.finishJobById(id);
    expect(await checker.checkJob({ url })).toEqual({ status: 'completed' });
  });

  test('an unknown job, or one of another repository, is not_found', async () => {
    const { url } = sim.queueJob({ labels: ['no-runner-has-this'] });
    const checker = checkerOf();
    expect(await checker.checkJob({ url: url.replace(/\d+$/, '1') })).toEqual({ status: 'not_found' });
    expect(await checker.checkJob({ url: url.replace('/widgets/', '/gadgets/') })).toEqual({ status: 'not_found' });
  });

  test.each([
    ['another host', (url: string) => url.replace('127.0.0.1', 'localhost')],
    ['another port', (url: string) => url.replace(/:(\d+)\//, (_all, port: string) => `:${Number(port) + 1}/`)],
    ['another scheme', (url: string) => url.replace('http:', 'https:')],
    ['credentials in the URL', (url: string) => url.replace('http://', 'http://user:pass@')],
    ['a query', (url: string) => `${url}?redirect=elsewhere`],
    ['a fragment', (url: string) => `${url}#x`],
    ['a run, not a job', (url: string) => url.replace('/actions/jobs/', '/actions/runs/')],
    ['a path under the job', (url: string) => `${url}/logs`],
    ['a path climbing out', (url: string) => url.replace('/repos/', '/repos/../../orgs/acme/actions/runners/')],
    ['an encoded name', (url: string) => url.replace('/widgets/', '/wid%2Fgets/')],
    ['a job id that is no number', (url: string) => url.replace(/\d+$/, '12abc')],
    ['job id 0', (url: string) => url.replace(/\d+$/, '0')],
    ['a huge job id', (url: string) => url.replace(/\d+$/, '99999999999999999')],
    ['no URL at all', () => 'not a url'],
    ['a relative URL', (url: string) => new URL(url).pathname],
  ])('%s is foreign_host, without a request', async (_case, mangle) => {
    const { url } = sim.queueJob({ labels: ['no-runner-has-this'] });
    const before = totalCalls();
    expect(await checkerOf().checkJob({ url: mangle(url) })).toEqual({ status: 'foreign_host' });
    expect(totalCalls()).toBe(before);
  });

  test('under a GHES prefix the URL must carry it: with it the job is read, without it nothing is asked', async () => {
    const ghes = await startGitHubSimulator({ pathPrefix: '/api/v3' });
    try {
      const { url } = ghes.queueJob({ labels: ['x'] });
      const calls = () => ghes.stats.calls['GET /repos/{owner}/{repo}/actions/jobs/{job_id}'] ?? 0;
      const checker = checkerOf(`${ghes.url}/`, ghes.token);
      expect(await checker.checkJob({ url })).toEqual({ status: 'queued' });
      expect(calls()).toBe(1);
      expect(await checker.checkJob({ url: url.replace('/api/v3', '') })).toEqual({ status: 'foreign_host' });
      expect(await checker.checkJob({ url: url.replace('/api/v3', '/api/v4') })).toEqual({ status: 'foreign_host' });
      // Configured without the prefix, a URL with it is not a job URL either.
      const bare = checkerOf(ghes.url.replace('/api/v3', ''), ghes.token);
      expect(await bare.checkJob({ url })).toEqual({ status: 'foreign_host' });
      expect(calls()).toBe(1);
    } finally {
      await ghes.close();
    }
  });

  test('a server error is retried; one that persists throws a retryable error naming the job', async () => {
    const { url, id } = sim.queueJob({ labels: ['no-runner-has-this'] });
    sim.faults.errorCount = 1;
    expect(await checkerOf().checkJob({ url })).toEqual({ status: 'queued' });
    sim.faults.errorRate = 1;
    const err = await rejectionOf(checkerOf().checkJob({ url }));
    expect(err).toBeInstanceOf(GitHubApiError);
    expect(err).toMatchObject({ retryable: true, status: expect.any(Number) });
    expect(err.message).toContain(`get job ${id} of acme/widgets`);
  });

  test('no token in any error: a bad token (401) and a rate limit (403)', async () => {
    const { url } = sim.queueJob({ labels: ['no-runner-has-this'] });
    const wrongToken = 'ghp_WrongButSecretLooking0123456789abcd';
    const errors = [await rejectionOf(checkerOf(sim.url, wrongToken).checkJob({ url }))];
    sim.faults.rateLimit = { kind: 'primary', count: 1, retryAfterSeconds: 3600 };
    errors.push(await rejectionOf(checkerOf().checkJob({ url })));
    expect(errors.map((error) => [error.name, (error as GitHubApiError).status])).toEqual([
      ['GitHubApiError', 401],
      ['GitHubRateLimitedError', 403],
    ]);
    for (const error of errors) {
      for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 10 })]) {
        expect(text).not.toContain(wrongToken);
        expect(text).not.toContain(sim.token);
      }
    }
  });

  test('the runner client on the same connection sees the rate-limit headers of the checker’s calls', async () => {
    const connection = connectGitHub({ auth: { kind: 'token', token: sim.token }, baseUrl: sim.url });
    const runners = createGitHubRunnerClient({ connection, scope: { org: sim.org } });
    expect(runners.rateLimit().remaining).toBeUndefined();
    const { url } = sim.queueJob({ labels: ['no-runner-has-this'] });
    await createJobChecker(connection).checkJob({ url });
    expect(runners.rateLimit()).toMatchObject({ limit: 5000, remaining: expect.any(Number) });
  });
});
