import { Webhooks } from '@octokit/webhooks';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { startGitHubSimulator, type GitHubSimulator } from '../../simulators/github';
import { closeServer, listen, readBody } from '../../simulators/http';
import { until } from './harness';

/** The simulator's workflow jobs: the REST route's wire format, GitHub's pickup rule, and their webhooks. */
describe('GitHub simulator: workflow jobs', () => {
  let sim: GitHubSimulator;
  const api = (path: string, token = sim.token) =>
    fetch(`${sim.url}${path}`, { headers: { authorization: `token ${token}` } });
  const jobPath = (id: number, repo = 'acme/widgets') => `/repos/${repo}/actions/jobs/${id}`;
  const jobOf = (id: number) => sim.jobs().find((job) => job.id === id);
  const runnerOf = (name: string) => sim.runners().find((runner) => runner.name === name);

  /** A just-in-time runner as the autoscaler makes it: registered over the API, then booted. */
  async function bootJitRunner(name: string, labels: string[]): Promise<void> {
    const answer = await fetch(`${sim.url}/orgs/acme/actions/runners/generate-jitconfig`, {
      method: 'POST',
      headers: { authorization: `token ${sim.token}` },
      body: JSON.stringify({ name, labels, runner_group_id: 1 }),
    });
    sim.bootRunner(((await answer.json()) as { encoded_jit_config: string }).encoded_jit_config);
  }

  beforeAll(async () => {
    sim = await startGitHubSimulator({ repo: { owner: 'acme', repo: 'widgets' } });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.resetFaults());

  test('a queued job in the REST format: every field, no runner yet, its url the route serving it', async () => {
    const { id, url } = sim.queueJob({ labels: ['self-hosted', 'nobody-has-this'] });
    expect(id).toBeGreaterThan(2 ** 32);
    expect(url).toBe(`${sim.url}${jobPath(id)}`);
    const answer = await fetch(url, { headers: { authorization: `Bearer ${sim.token}` } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-ratelimit-limit')).toBe('5000');
    const job = (await answer.json()) as Record<string, unknown>;
    expect(job).toEqual({
      id,
      run_id: expect.any(Number),
      run_url: expect.stringMatching(new RegExp(`^${sim.url}/repos/acme/widgets/actions/runs/\\d+$`)),
      run_attempt: 1,
      node_id: expect.any(String),
      head_sha: expect.stringMatching(/^[0-9a-f]{40}$/),
      url,
      html_url: expect.stringMatching(new RegExp(`^https://github.com/acme/widgets/actions/runs/\\d+/job/${id}$`)),
      status: 'queued',
      conclusion: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      started_at: job.created_at,
      completed_at: null,
      name: 'build',
      steps: [],
      check_run_url: `${sim.url}/repos/acme/widgets/check-runs/${id}`,
      labels: ['self-hosted', 'nobody-has-this'],
      runner_id: null,
      runner_name: null,
      runner_group_id: null,
      runner_group_name: null,
      workflow_name: 'CI',
      head_branch: 'main',
    });
  });

  test('the job route authenticates like the others, and a job of another repository is a 404', async () => {
    const { id } = sim.queueJob({ labels: ['nobody-has-this'], repo: 'gadgets' });
    expect((await fetch(`${sim.url}${jobPath(id, 'acme/gadgets')}`)).status).toBe(401);
    expect((await api(jobPath(id, 'acme/gadgets'), 'ghp_wrong')).status).toBe(401);
    expect((await api(jobPath(id, 'ACME/Gadgets'))).status).toBe(200);
    const other = await api(jobPath(id, 'acme/widgets'));
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ message: 'Not Found', documentation_url: expect.any(String) });
    expect((await api(jobPath(id + 1000, 'acme/gadgets'))).status).toBe(404);
    expect(sim.stats.calls['GET /repos/{owner}/{repo}/actions/jobs/{job_id}']).toBeGreaterThanOrEqual(5);
  });

  test('faults hit the job route too: a 5xx, then a secondary rate limit', async () => {
    const { id } = sim.queueJob({ labels: ['nobody-has-this'] });
    sim.faults.errorCount = 1;
    expect((await api(jobPath(id))).status).toBeGreaterThanOrEqual(500);
    sim.faults.rateLimit = { kind: 'secondary', count: 1, retryAfterSeconds: 9 };
    const limited = await api(jobPath(id));
    expect(limited.status).toBe(403);
    expect(limited.headers.get('retry-after')).toBe('9');
    expect((await api(jobPath(id))).status).toBe(200);
  });

  test('an idle runner whose labels (read-only ones too, any case) hold the job’s takes it at once', async () => {
    sim.addRunner({ name: 'gpu-1', labels: ['GPU'] });
    const { id } = sim.queueJob({ labels: ['self-hosted', 'linux', 'X64', 'gpu'] });
    expect(jobOf(id)).toMatchObject({ status: 'in_progress', runnerName: 'gpu-1' });
    expect(runnerOf('gpu-1')).toMatchObject({ busy: true });
    const job = (await (await api(jobPath(id))).json()) as Record<string, unknown>;
    expect(job).toMatchObject({
      status: 'in_progress',
      runner_id: runnerOf('gpu-1')?.id,
      runner_name: 'gpu-1',
      runner_group_id: 1,
      runner_group_name: 'Default',
      steps: [expect.objectContaining({ name: 'Set up job', status: 'in_progress', number: 1 })],
    });
    expect(Date.parse(job.started_at as string)).toBeGreaterThanOrEqual(Date.parse(job.created_at as string));

    sim.finishJob('gpu-1');
    expect(jobOf(id)).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(runnerOf('gpu-1')).toBeUndefined();
    const done = (await (await api(jobPath(id))).json()) as Record<string, unknown>;
    expect(done).toMatchObject({ status: 'completed', conclusion: 'success', completed_at: expect.any(String) });
  });

  test('a JIT runner carries only the labels it registered: no self-hosted, Linux or X64 of its own', async () => {
    await bootJitRunner('jit-bare', ['bare']);
    expect(runnerOf('jit-bare')?.labels).toEqual(['bare']);
    const { id } = sim.queueJob({ labels: ['self-hosted', 'bare'] });
    expect(jobOf(id)).toMatchObject({ status: 'queued' });
    await bootJitRunner('jit-full', ['self-hosted', 'linux', 'x64', 'bare']);
    expect(jobOf(id)).toMatchObject({ status: 'in_progress', runnerName: 'jit-full' });
    sim.finishJob('jit-full');
  });

  test('a job waits for a runner that fits: not busy, offline, short of labels or another repo’s', async () => {
    sim.addRunner({ name: 'fit-busy', labels: ['arm'], busy: true });
    sim.addRunner({ name: 'fit-offline', labels: ['arm'], status: 'offline' });
    sim.addRunner({ name: 'fit-short', labels: ['other'] });
    sim.addRunner({ name: 'fit-repo', labels: ['arm'], scope: { owner: 'acme', repo: 'widgets' } });
    const { id } = sim.queueJob({ labels: ['arm'], repo: 'gadgets' });
    expect(jobOf(id)).toMatchObject({ status: 'queued' });

    await bootJitRunner('fit-jit', ['arm']);
    expect(jobOf(id)).toMatchObject({ status: 'in_progress', runnerName: 'fit-jit' });
    expect(runnerOf('fit-repo')).toMatchObject({ busy: false });
    // The repository's own runner takes a job of its repository.
    const { id: own } = sim.queueJob({ labels: ['arm'], repo: 'widgets' });
    expect(jobOf(own)).toMatchObject({ status: 'in_progress', runnerName: 'fit-repo' });
  });

  test('finishJobById: a running job ends with its runner, a waiting one is cancelled, a done one not', async () => {
    sim.addRunner({ name: 'fin-1', labels: ['fin'] });
    const { id: running } = sim.queueJob({ labels: ['fin'] });
    sim.finishJobById(running, 'failure');
    expect(jobOf(running)).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(runnerOf('fin-1')).toBeUndefined();

    const { id: waiting } = sim.queueJob({ labels: ['fin'], status: 'waiting' });
    expect(jobOf(waiting)?.status).toBe('waiting');
    sim.finishJobById(waiting);
    expect(jobOf(waiting)).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    expect(() => sim.finishJobById(waiting)).toThrow(/completed already/);
    expect(() => sim.finishJobById(1)).toThrow(/no job 1/);
  });

  test('waiting, requested and pending jobs show their status and are not picked up', async () => {
    sim.addRunner({ name: 'hold-1', labels: ['hold'] });
    for (const status of ['waiting', 'requested', 'pending'] as const) {
      const { id } = sim.queueJob({ labels: ['hold'], status });
      expect(((await (await api(jobPath(id))).json()) as { status: string }).status).toBe(status);
    }
    expect(runnerOf('hold-1')?.busy).toBe(false);
  });

  test('over /control: queue (201, or 422 for bad labels), list, pick up, finish (204, then 409)', async () => {
    const control = (path: string, method = 'GET', body?: unknown) =>
      fetch(`${sim.url}/control${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    const queued = await control('/jobs', 'POST', { labels: ['ctl'] });
    expect(queued.status).toBe(201);
    const { id, url } = (await queued.json()) as { id: number; url: string };
    expect(url).toBe(`${sim.url}${jobPath(id)}`);
    expect((await control('/jobs', 'POST', { labels: 'ctl' })).status).toBe(422);
    expect((await control('/jobs', 'POST', { labels: ['ctl'], owner: '../x' })).status).toBe(422);
    sim.addRunner({ name: 'ctl-1', labels: ['ctl'] });
    const jobs = (await (await control('/jobs')).json()) as { id: number; status: string }[];
    expect(jobs.find((job) => job.id === id)).toMatchObject({ status: 'in_progress', runnerName: 'ctl-1' });
    expect(await (await control('/jobs/pickup', 'POST')).json()).toEqual([]);
    expect((await control(`/jobs/${id}/finish`, 'POST', { conclusion: 'success' })).status).toBe(204);
    expect((await control(`/jobs/${id}/finish`, 'POST')).status).toBe(409);
  });

  test('with pickup manual, jobs wait for pickUpJobs', async () => {
    const manual = await startGitHubSimulator({ jobPickup: 'manual' });
    try {
      manual.addRunner({ name: 'man-1', labels: ['m'] });
      const { id } = manual.queueJob({ labels: ['m'] });
      expect(manual.jobs()[0]).toMatchObject({ id, status: 'queued' });
      expect(manual.pickUpJobs()).toEqual([{ jobId: id, runnerName: 'man-1' }]);
      expect(manual.jobs()[0]).toMatchObject({ status: 'in_progress', runnerName: 'man-1' });
    } finally {
      await manual.close();
    }
  });

  test('under a GHES path prefix: the API, its links and the job URLs carry it; the bare path is a 404', async () => {
    const ghes = await startGitHubSimulator({ pathPrefix: '/api/v3' });
    try {
      expect(ghes.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
      const { url } = ghes.queueJob({ labels: ['x'] });
      expect(url.startsWith(`${ghes.url}/repos/acme/widgets/actions/jobs/`)).toBe(true);
      const auth = { authorization: `token ${ghes.token}` };
      expect((await fetch(url, { headers: auth })).status).toBe(200);
      expect((await fetch(url.replace('/api/v3', ''), { headers: auth })).status).toBe(404);
      for (let i = 0; i < 3; i += 1) ghes.addRunner({ name: `p-${i}` });
      const page = await fetch(`${ghes.url}/orgs/acme/actions/runners?per_page=1`, { headers: auth });
      expect(page.headers.get('link')).toContain(`<${ghes.url}/orgs/acme/actions/runners?per_page=1&page=2>`);
      expect((await fetch(`${ghes.url}/control/jobs`)).status).toBe(200);
    } finally {
      await ghes.close();
    }
  });

  describe('workflow_job webhooks', () => {
    const secret = 'webhook-secret-for-tests';
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    let answerStatus = 200;
    const receiver = createServer((req, res) => {
      void readBody(req).then((body) => {
        received.push({ headers: req.headers, body });
        res.writeHead(answerStatus).end();
      });
    });
    let receiverUrl: string;

    beforeAll(async () => {
      receiverUrl = `http://127.0.0.1:${await listen(receiver, 0, '127.0.0.1')}/hook`;
    });
    afterAll(() => closeServer(receiver));
    afterEach(() => {
      sim.webhook = undefined;
      received.length = 0;
      answerStatus = 200;
    });

    /** The JSON a delivery carries: the `payload` form field, or the body itself. */
    const payloadText = (body: string, mediaType: string) =>
      mediaType === 'application/json' ? body : String(new URLSearchParams(body).get('payload'));

    test.each([
      ['form, GitHub’s default', undefined, 'application/x-www-form-urlencoded'],
      ['json', 'json' as const, 'application/json'],
    ])(
      'a job’s queued, in_progress and completed changes are delivered (%s), signed as GitHub signs them',
      async (_case, contentType, mediaType) => {
        sim.webhook = { url: receiverUrl, secret, contentType };
        const delivered = sim.stats.webhooks.delivered;
        const { id, url } = sim.queueJob({ labels: ['hook'] });
        await bootJitRunner(`hook-${mediaType}`, ['hook']);
        sim.finishJob(`hook-${mediaType}`);
        await until(() => received.length === 3);

        const verifier = new Webhooks({ secret });
        const payloads = [];
        for (const delivery of received) {
          expect(delivery.headers).toMatchObject({
            'x-github-event': 'workflow_job',
            'content-type': mediaType,
            'x-github-delivery': expect.stringMatching(/^[0-9a-f-]{36}$/),
            'user-agent': expect.stringMatching(/^GitHub-Hookshot\//),
          });
          expect(await verifier.verify(delivery.body, String(delivery.headers['x-hub-signature-256']))).toBe(true);
          expect(
            await new Webhooks({ secret: 'another' }).verify(
              delivery.body,
              String(delivery.headers['x-hub-signature-256']),
            ),
          ).toBe(false);
          payloads.push(JSON.parse(payloadText(delivery.body, mediaType)));
        }
        expect(payloads.map((payload) => [payload.action, payload.workflow_job.status])).toEqual([
          ['queued', 'queued'],
          ['in_progress', 'in_progress'],
          ['completed', 'completed'],
        ]);
        expect(payloads[0]).toMatchObject({
          workflow_job: { id, url, labels: ['hook'], runner_name: null },
          repository: { name: 'widgets', full_name: 'acme/widgets', owner: { login: 'acme' } },
          organization: { login: 'acme' },
          sender: { login: expect.any(String) },
        });
        expect(payloads[1].workflow_job).toMatchObject({ runner_name: `hook-${mediaType}` });
        // The simulator counts a delivery once its answer is back, a moment after the receiver saw it.
        await until(() => sim.stats.webhooks.delivered === delivered + 3);
      },
    );

    test('a refused delivery is counted and not retried; workflowJobDelivery builds one by hand', async () => {
      answerStatus = 500;
      sim.webhook = { url: receiverUrl, secret };
      const failed = sim.stats.webhooks.failed;
      const { id } = sim.queueJob({ labels: ['nobody-has-this'] });
      await until(() => sim.stats.webhooks.failed === failed + 1);
      expect(received).toHaveLength(1);

      const delivery = sim.workflowJobDelivery(id, secret, 'json');
      expect(JSON.parse(delivery.body)).toMatchObject({ action: 'queued', workflow_job: { id } });
      expect(await new Webhooks({ secret }).verify(delivery.body, delivery.headers['x-hub-signature-256'])).toBe(true);
    });
  });
});
