import { GitHubRateLimitedError, type GitHubRunnerClient } from '../../activities/github/client';
import { startGitHubSimulator, type GitHubSimulator } from '../../simulators/github';
import { clientOf, rejectionOf, timed, until } from './harness';

describe('GitHub runner client: rate limits and retries', () => {
  let sim: GitHubSimulator;
  let client: GitHubRunnerClient;
  let warnings: string[];

  beforeAll(async () => {
    sim = await startGitHubSimulator();
    sim.addRunner({ name: 'rl-1' });
  });
  afterAll(() => sim.close());
  /** The one runner registered up front (later tests register more). */
  const listOurs = () => client.listRunners((name) => name === 'rl-1');

  beforeEach(() => {
    sim.resetFaults();
    warnings = [];
    client = clientOf(sim, {}, warnings);
  });

  describe.each(['secondary', 'primary'] as const)('a %s rate limit (403)', (kind) => {
    test('that is short is waited out inside the call', async () => {
      sim.faults.rateLimit = { kind, count: 1, retryAfterSeconds: 1 };
      const { result, elapsedMs } = await timed(() => listOurs());
      expect(result).toHaveLength(1);
      expect(elapsedMs).toBeGreaterThanOrEqual(900);
      expect(sim.faults.rateLimit?.count).toBe(0);
      expect(warnings).toEqual([expect.stringMatching(new RegExp(`${kind} rate limit .*retrying in \\d+s`))]);
    });

    test('that is long fails fast with GitHubRateLimitedError', async () => {
      sim.faults.rateLimit = { kind, count: 1, retryAfterSeconds: 3600 };
      const { result: error, elapsedMs } = await timed(() => rejectionOf(listOurs()));
      expect(elapsedMs).toBeLessThan(2000);
      expect(error).toBeInstanceOf(GitHubRateLimitedError);
      expect(error).toMatchObject({ name: 'GitHubRateLimitedError', kind, status: 403, retryable: true });
      const { retryAfterSeconds } = error as GitHubRateLimitedError;
      expect(retryAfterSeconds).toBeGreaterThanOrEqual(3600);
      expect(retryAfterSeconds).toBeLessThanOrEqual(3602);
    });
  });

  test('a short limit still in force after three waits fails the call', async () => {
    sim.faults.rateLimit = { kind: 'secondary', count: 10, retryAfterSeconds: 1 };
    const error = await rejectionOf(listOurs());
    expect(error).toMatchObject({ name: 'GitHubRateLimitedError', retryAfterSeconds: 1 });
    expect(sim.faults.rateLimit.count).toBe(6);
  });

  test('maxRateLimitWaitSeconds bounds the wait inside a call', async () => {
    const impatient = clientOf(sim, { maxRateLimitWaitSeconds: 0 }, warnings);
    sim.faults.rateLimit = { kind: 'secondary', count: 1, retryAfterSeconds: 1 };
    const error = await rejectionOf(impatient.generateJitConfig({ name: 'rl-impatient', labels: ['x'] }));
    expect(error).toMatchObject({ name: 'GitHubRateLimitedError', kind: 'secondary', retryAfterSeconds: 1 });
  });

  test('a short 429 is waited out, honouring Retry-After', async () => {
    sim.faults.status429Count = 1;
    sim.faults.status429RetryAfterSeconds = 1;
    const { result, elapsedMs } = await timed(() => client.generateJitConfig({ name: 'rl-429', labels: ['x'] }));
    expect(result.runnerId).toBeGreaterThan(0);
    expect(elapsedMs).toBeGreaterThanOrEqual(900);
    expect(sim.stats.faultsInjected.tooManyRequests).toBe(1);
  });

  test('a 429 still in force after three waits fails the call, one warning per wait', async () => {
    sim.faults.status429Count = 10;
    sim.faults.status429RetryAfterSeconds = 1;
    const error = await rejectionOf(listOurs());
    expect(error).toMatchObject({ name: 'GitHubRateLimitedError', status: 429, retryAfterSeconds: 1 });
    expect(sim.faults.status429Count).toBe(6);
    expect(warnings).toEqual([
      ...Array.from({ length: 3 }, () => expect.stringMatching(/secondary rate limit .*retrying in 1s/)),
      expect.stringMatching(/secondary rate limit .*failing, retry after 1s/),
    ]);
  });

  test('a long 429 fails fast with GitHubRateLimitedError', async () => {
    sim.faults.status429Count = 1;
    sim.faults.status429RetryAfterSeconds = 600;
    const { result: error, elapsedMs } = await timed(() => rejectionOf(listOurs()));
    expect(elapsedMs).toBeLessThan(2000);
    expect(error).toMatchObject({ name: 'GitHubRateLimitedError', status: 429, retryAfterSeconds: 600 });
  });

  test('5xx answers are retried, a POST included', async () => {
    sim.faults.errorCount = 2;
    expect(await listOurs()).toHaveLength(1);
    sim.faults.errorCount = 1;
    const registration = await client.generateJitConfig({ name: 'rl-5xx', labels: ['x'] });
    expect(registration.runnerId).toBeGreaterThan(0);
    expect(sim.stats.faultsInjected.serverErrors).toBe(3);
  });

  test('a dropped connection is retried', async () => {
    sim.faults.dropRate = 1;
    const dropped = sim.stats.faultsInjected.dropped;
    const listing = listOurs();
    await until(() => sim.stats.faultsInjected.dropped > dropped);
    sim.faults.dropRate = 0;
    expect(await listing).toHaveLength(1);
  });

  test('an attempt that hangs is cut off at requestTimeoutMs and retried', async () => {
    const patient = clientOf(sim, { requestTimeoutMs: 200 }, warnings);
    const route = 'GET /orgs/{org}/actions/runners';
    const calls = sim.stats.calls[route] ?? 0;
    sim.faults.latencyMs = 5_000;
    const { result, elapsedMs } = await timed(async () => {
      const listing = patient.listRunners((name) => name === 'rl-1');
      await until(() => (sim.stats.calls[route] ?? 0) > calls);
      sim.faults.latencyMs = 0;
      return listing;
    });
    expect(result).toHaveLength(1);
    expect(elapsedMs).toBeLessThan(5_000);
  });

  test('rateLimit() reports the last x-ratelimit headers seen, a refusal included', async () => {
    await listOurs();
    const seen = client.rateLimit();
    expect(seen).toMatchObject({ limit: 5000, remaining: expect.any(Number) });
    expect(Date.parse(seen.resetAt ?? '')).toBeGreaterThan(Date.now());
    sim.faults.rateLimit = { kind: 'primary', count: 1, retryAfterSeconds: 3600 };
    await rejectionOf(listOurs());
    expect(client.rateLimit().remaining).toBe(0);
  });
});
