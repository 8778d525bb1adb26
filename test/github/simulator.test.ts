import { startGitHubSimulator, type GitHubSimulator } from '../../simulators/github';
import { appKeyPair, signJwt } from './harness';

/** The simulator's wire formats, seen with plain fetch. */
describe('GitHub simulator', () => {
  const keys = appKeyPair();
  let sim: GitHubSimulator;
  const api = (path: string, init: RequestInit = {}, token = sim.token) =>
    fetch(`${sim.url}${path}`, {
      ...init,
      headers: { authorization: `token ${token}`, 'content-type': 'application/json', ...init.headers },
    });
  const generate = (body: Record<string, unknown>) =>
    api('/orgs/acme/actions/runners/generate-jitconfig', { method: 'POST', body: JSON.stringify(body) });

  beforeAll(async () => {
    sim = await startGitHubSimulator({ app: { appId: 77, installationId: 7, publicKeyPem: keys.publicKey } });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.resetFaults());

  test('missing or wrong credentials answer 401 with a GitHub error body', async () => {
    const missing = await fetch(`${sim.url}/orgs/acme/actions/runners`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({
      message: 'Requires authentication',
      documentation_url: expect.any(String),
    });
    const wrong = await api('/orgs/acme/actions/runners', {}, 'ghp_wrong');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ message: 'Bad credentials' });
  });

  test('generate-jitconfig answers 201, then 409 for the same name, 404 for an unknown group, 422 without labels', async () => {
    const created = await generate({ name: 'sim-1', runner_group_id: 1, labels: ['gpu'] });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { runner: Record<string, unknown>; encoded_jit_config: string };
    expect(body.runner).toMatchObject({ name: 'sim-1', status: 'offline', busy: false });
    // Exactly the labels asked for: GitHub adds no self-hosted, OS or architecture label to a JIT runner.
    expect(body.runner.labels).toEqual([{ id: expect.any(Number), name: 'gpu', type: 'custom' }]);
    expect(body.encoded_jit_config).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(sim.issuedJitConfigs()).toContain(body.encoded_jit_config);
    expect((await generate({ name: 'sim-1', runner_group_id: 1, labels: ['gpu'] })).status).toBe(409);
    expect((await generate({ name: 'sim-2', runner_group_id: 99, labels: ['gpu'] })).status).toBe(404);
    expect((await generate({ name: 'sim-2', runner_group_id: 1 })).status).toBe(422);
  });

  test('lists paginate with Link headers and carry x-ratelimit headers', async () => {
    for (let i = 0; i < 5; i += 1) sim.addRunner({ name: `page-${i}`, scope: { org: 'acme' } });
    const first = await api('/orgs/acme/actions/runners?per_page=2');
    expect(first.headers.get('link')).toMatch(/[?&]page=2>; rel="next"/);
    expect(first.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(Number(first.headers.get('x-ratelimit-remaining'))).toBeLessThan(5000);
    const total = ((await first.json()) as { total_count: number }).total_count;
    const last = await api(`/orgs/acme/actions/runners?per_page=2&page=${Math.ceil(total / 2)}`);
    expect(last.headers.get('link')).not.toMatch(/rel="next"/);
  });

  test('a JIT config boots once, a job makes the runner busy, its end deregisters it', async () => {
    const created = await generate({ name: 'life-1', runner_group_id: 1, labels: ['x'] });
    const { encoded_jit_config: config } = (await created.json()) as { encoded_jit_config: string };
    expect(() => sim.bootRunner(Buffer.from('{"forged":true}').toString('base64'))).toThrow(/not a JIT config/);
    expect(sim.bootRunner(config)).toMatchObject({ name: 'life-1', status: 'online', busy: false });
    expect(() => sim.bootRunner(config)).toThrow(/used already/);
    expect(sim.assignJob('life-1').busy).toBe(true);
    sim.finishJob('life-1');
    expect(sim.runners().some((runner) => runner.name === 'life-1')).toBe(false);
  });

  test('a busy runner cannot be deleted (422); a deleted one is gone (404)', async () => {
    const created = await generate({ name: 'del-1', runner_group_id: 1, labels: ['x'] });
    const { runner, encoded_jit_config: config } = (await created.json()) as {
      runner: { id: number };
      encoded_jit_config: string;
    };
    sim.bootRunner(config);
    sim.assignJob('del-1');
    const path = `/orgs/acme/actions/runners/${runner.id}`;
    expect((await api(path, { method: 'DELETE' })).status).toBe(422);
    expect(sim.stats.deletesRefusedBusy).toBe(1);
    sim.finishJob('del-1');
    expect((await api(path, { method: 'DELETE' })).status).toBe(404);
  });

  test('each JIT request and runner delete is journalled with its name and answer, faults included', async () => {
    const journal = () => sim.stats.registrationRequests.filter((entry) => entry.name.startsWith('log-'));
    const created = await generate({ name: 'log-1', runner_group_id: 1, labels: ['x'] });
    const { runner } = (await created.json()) as { runner: { id: number } };
    await generate({ name: 'log-1', runner_group_id: 1, labels: ['x'] });
    sim.faults.errorCount = 1;
    await generate({ name: 'log-2', runner_group_id: 1, labels: ['x'] });
    await api(`/orgs/acme/actions/runners/${runner.id}`, { method: 'DELETE' });
    sim.faults.dropRate = 1;
    await expect(generate({ name: 'log-3', runner_group_id: 1, labels: ['x'] })).rejects.toThrow();
    const answered = { at: expect.any(Number), answeredAt: expect.any(Number) };
    expect(journal()).toEqual([
      { kind: 'register', name: 'log-1', status: 201, ...answered },
      { kind: 'register', name: 'log-1', status: 409, ...answered },
      { kind: 'register', name: 'log-2', status: expect.any(Number), ...answered },
      { kind: 'delete', name: 'log-1', status: 204, ...answered },
      { kind: 'register', name: 'log-3', status: 'dropped', ...answered },
    ]);
    expect(journal()[2].status).toBeGreaterThanOrEqual(500);
  });

  test('faults set over PUT /control/faults: secondary, primary and 429 limits, then an unknown fault', async () => {
    const put = (faults: unknown) =>
      fetch(`${sim.url}/control/faults`, { method: 'PUT', body: JSON.stringify(faults) });
    expect((await put({ rateLimit: { kind: 'secondary', count: 1, retryAfterSeconds: 7 } })).status).toBe(200);
    const secondary = await api('/orgs/acme/actions/runners');
    expect(secondary.status).toBe(403);
    expect(secondary.headers.get('retry-after')).toBe('7');
    expect(((await secondary.json()) as { message: string }).message).toMatch(/secondary rate limit/);

    await put({ rateLimit: { kind: 'primary', count: 1, retryAfterSeconds: 60 } });
    const primary = await api('/orgs/acme/actions/runners');
    expect(primary.status).toBe(403);
    expect(primary.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(primary.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 + 50);

    await put({ status429Count: 1, status429RetryAfterSeconds: 3 });
    const tooMany = await api('/orgs/acme/actions/runners');
    expect(tooMany.status).toBe(429);
    expect(tooMany.headers.get('retry-after')).toBe('3');
    expect((await api('/orgs/acme/actions/runners')).status).toBe(200);
    expect((await put({ nonsense: 1 })).status).toBe(422);
  });

  test('a dropped request gets no answer at all', async () => {
    const before = sim.stats.faultsInjected.dropped;
    sim.faults.dropRate = 1;
    await expect(api('/orgs/acme/actions/runners')).rejects.toThrow();
    expect(sim.stats.faultsInjected.dropped).toBe(before + 1);
  });

  describe('App installation tokens', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const exchange = (jwt: string, installationId = 7) =>
      fetch(`${sim.url}/app/installations/${installationId}/access_tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}` },
      });

    test('a well-signed JWT gets an installation token, which then works like a PAT', async () => {
      const answer = await exchange(signJwt(keys.privateKey, { iss: 77, iat: now() - 30, exp: now() + 500 }));
      expect(answer.status).toBe(201);
      const { token, expires_at: expiresAt } = (await answer.json()) as { token: string; expires_at: string };
      expect(token).toMatch(/^ghs_/);
      expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
      expect((await api('/orgs/acme/actions/runners', {}, token)).status).toBe(200);
    });

    test.each([
      [
        'a JWT signed by another key',
        () => signJwt(appKeyPair().privateKey, { iss: 77, iat: now(), exp: now() + 500 }),
        401,
      ],
      ['an expired JWT', () => signJwt(keys.privateKey, { iss: 77, iat: now() - 700, exp: now() - 100 }), 401],
      ['a JWT of another app', () => signJwt(keys.privateKey, { iss: 78, iat: now(), exp: now() + 500 }), 401],
      ['a token that is no JWT', () => 'ghp_not-a-jwt', 401],
    ])('%s is refused', async (_case, jwt, status) => {
      const answer = await exchange(jwt());
      expect(answer.status).toBe(status);
      expect(await answer.json()).toMatchObject({ message: expect.any(String), documentation_url: expect.any(String) });
    });

    test('an unknown installation is a 404', async () => {
      const jwt = signJwt(keys.privateKey, { iss: 77, iat: now(), exp: now() + 500 });
      expect((await exchange(jwt, 8)).status).toBe(404);
    });
  });

  describe('a lagging busy flag (faults.busyLagMs)', () => {
    const bootedRunner = async (name: string) => {
      const created = await generate({ name, runner_group_id: 1, labels: ['lag'] });
      const body = (await created.json()) as { runner: { id: number }; encoded_jit_config: string };
      sim.bootRunner(body.encoded_jit_config);
      return body.runner.id;
    };
    const listedBusy = async (name: string) => {
      const list = (await (await api(`/orgs/acme/actions/runners?name=${name}`)).json()) as {
        runners: { busy: boolean }[];
      };
      return list.runners[0]?.busy;
    };

    test('a runner that took a job reads idle for the lag, and a DELETE then succeeds and kills the job', async () => {
      const put = await fetch(`${sim.url}/control/faults`, {
        method: 'PUT',
        body: JSON.stringify({ busyLagMs: 60_000 }),
      });
      expect(put.status).toBe(200);
      const id = await bootedRunner('lag-1');
      const job = sim.queueJob({ labels: ['lag'] });
      // The truth (the simulator's own record) is busy; the API still says idle.
      expect(sim.runners().find((r) => r.name === 'lag-1')?.busy).toBe(true);
      expect(await listedBusy('lag-1')).toBe(false);
      expect(((await (await api(`/orgs/acme/actions/runners/${id}`)).json()) as { busy: boolean }).busy).toBe(false);
      expect((await api(`/orgs/acme/actions/runners/${id}`, { method: 'DELETE' })).status).toBe(204);
      expect(sim.jobs().find((j) => j.id === job.id)).toMatchObject({ status: 'completed', conclusion: 'failure' });
      const killed = (await (await fetch(`${sim.url}/control/killed-jobs`)).json()) as Record<string, unknown>[];
      expect(killed.at(-1)).toMatchObject({
        runnerName: 'lag-1',
        jobId: job.id,
        lagMs: 60_000,
        cause: 'registration-deleted',
        onlineAt: expect.any(Number),
      });
    });

    test('once the lag has passed the flag shows busy and a DELETE is refused', async () => {
      sim.faults.busyLagMs = 200;
      const id = await bootedRunner('lag-2');
      sim.assignJob('lag-2');
      expect(await listedBusy('lag-2')).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await listedBusy('lag-2')).toBe(true);
      const before = sim.killedJobs().length;
      expect((await api(`/orgs/acme/actions/runners/${id}`, { method: 'DELETE' })).status).toBe(422);
      expect(sim.killedJobs()).toHaveLength(before);
    });

    test('without a lag (the default) the flag is on time; a busy runner losing its machine is a killed job', async () => {
      await bootedRunner('lag-3');
      sim.assignJob('lag-3');
      expect(await listedBusy('lag-3')).toBe(true);
      sim.loseRunner('lag-3');
      expect(sim.killedJobs().at(-1)).toMatchObject({ runnerName: 'lag-3', lagMs: 0, cause: 'machine-lost' });
      // An idle runner losing its machine kills nothing.
      await bootedRunner('lag-4');
      const before = sim.killedJobs().length;
      sim.loseRunner('lag-4');
      expect(sim.killedJobs()).toHaveLength(before);
    });
  });

  test('lifecycle helpers name what went wrong, in process and over /control', async () => {
    expect(() => sim.assignJob('nobody')).toThrow(/0 runners are named "nobody"/);
    const answer = await fetch(`${sim.url}/control/runners/nobody/job`, { method: 'POST' });
    expect(answer.status).toBe(409);
    expect(await answer.json()).toMatchObject({ message: expect.stringMatching(/0 runners are named/) });
  });
});
