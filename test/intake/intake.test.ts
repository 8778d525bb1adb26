import { Client, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { JobMessage } from '../../contracts/activities';
import {
  signedDelivery,
  startGitHubSimulator,
  type GitHubSimulator,
  type WebhookContentType,
  type WebhookDelivery,
} from '../../simulators/github';
import { startJobIntake, type JobIntake, type JobIntakeOptions } from '../../worker/intake';
import { FLAVOR_WORKFLOW_TYPE, flavorWorkflowId } from '../../contracts/flavor-workflow';
import type { FlavorSettingsInput } from '../../contracts/settings';
import { historyText } from '../../bench/history-text';
import { connectTestEnv, uniqueName } from '../support/temporal';

/**
 * The webhook intake over real HTTP, against the real Temporal server: what it enqueues is read back
 * from the flavor workflow's history. No worker polls the task queue, so the workflows only hold their
 * start and their signals.
 */
const secret = 'intake-test-webhook-secret';
let env: TestWorkflowEnvironment;
let github: GitHubSimulator;
let intake: JobIntake;
const taskQueue = uniqueName('intake');
const small = uniqueName('small');
const large = uniqueName('large');
const planned = uniqueName('planned');
const flavors: FlavorSettingsInput[] = [
  { flavor: planned, mode: 'planner', labels: ['planned-only'], maxRunners: 3 },
  { flavor: small, mode: 'reactive', labels: ['small'], maxRunners: 5, image: 'ubuntu-24.04' },
  { flavor: large, mode: 'reactive', labels: ['large'], architecture: 'arm64' },
];
const logged: unknown[] = [];
const record = (message: string, meta?: unknown) => void logged.push([message, meta]);
const log = { debug: record, info: record, warn: record };

const start = (overrides: Partial<JobIntakeOptions> = {}) =>
  startJobIntake({ port: 0, host: '127.0.0.1', secret, flavors, client: env.client, taskQueue, log, ...overrides });
const post = (delivery: WebhookDelivery, url = intake.url) =>
  fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body });
const handleOf = (flavor: string) => env.client.workflow.getHandle(flavorWorkflowId(flavor));

/** A queued job on the GitHub simulator and its delivery, as GitHub would send it (form-encoded by default). */
function queuedJob(labels: string[], contentType?: WebhookContentType): { job: JobMessage; delivery: WebhookDelivery } {
  const { id, url } = github.queueJob({ labels });
  return { job: { jobId: id, labels, url }, delivery: github.workflowJobDelivery(id, secret, contentType) };
}

/** The `job` signals in a workflow's history, decoded. */
async function jobSignals(handle: WorkflowHandle): Promise<unknown[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events
    .map((event) => event.workflowExecutionSignaledEventAttributes)
    .filter((signaled) => signaled?.signalName === 'job')
    .map((signaled) => defaultPayloadConverter.fromPayload(signaled?.input?.payloads?.[0] ?? {}));
}

async function expectNotStarted(flavor: string): Promise<void> {
  await expect(handleOf(flavor).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}

beforeAll(async () => {
  env = await connectTestEnv();
  // Manual pickup: no runner exists anyway, and the jobs are only there to make real deliveries.
  github = await startGitHubSimulator({ jobPickup: 'manual' });
  intake = await start();
});

afterAll(async () => {
  for (const flavor of [small, large, planned])
    await handleOf(flavor)
      .terminate('test over')
      .catch(() => undefined);
  await intake?.close();
  await github?.close();
  await env?.teardown();
});

test('a queued job is signalled with start to its flavor’s workflow (202), with the file’s settings', async () => {
  // Form-encoded, a new GitHub webhook's default content type.
  const { job, delivery } = queuedJob(['self-hosted', 'Small']);
  expect(delivery.headers['content-type']).toBe('application/x-www-form-urlencoded');
  const answer = await post(delivery);
  expect(answer.status).toBe(202);
  expect(await answer.json()).toEqual({
    result: 'enqueued',
    jobId: job.jobId,
    flavor: small,
    workflowId: flavorWorkflowId(small),
  });

  const handle = handleOf(small);
  const described = await handle.describe();
  expect(described).toMatchObject({ type: FLAVOR_WORKFLOW_TYPE, taskQueue, status: { name: 'RUNNING' } });
  expect(await jobSignals(handle)).toEqual([job]);
  const events = (await handle.fetchHistory()).events ?? [];
  const input = events[0].workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  expect(defaultPayloadConverter.fromPayload(input ?? {})).toEqual({ settings: flavors[1] });
  const text = historyText(await handle.fetchHistory());
  // The job id travels only inside a signal's payload: found, the search reads payloads.
  expect(text).toContain(String(job.jobId));
  expect(text).not.toContain(secret);
});

test('labels pick the flavor: an arm64 job goes to the large flavor, none to the planner-mode one', async () => {
  const { job, delivery } = queuedJob(['self-hosted', 'arm64', 'large']);
  expect((await post(delivery)).status).toBe(202);
  expect(await jobSignals(handleOf(large))).toEqual([job]);

  const unrouted = queuedJob(['self-hosted', 'planned-only']);
  const answer = await post(unrouted.delivery);
  expect(answer.status).toBe(200);
  expect(await answer.json()).toMatchObject({
    result: 'no flavor',
    jobId: unrouted.job.jobId,
    reason: expect.stringContaining('planned-only'),
  });
  await expectNotStarted(planned);
});

test('a job delivered as application/json is enqueued the same way', async () => {
  const { job, delivery } = queuedJob(['small'], 'json');
  const answer = await post(delivery);
  expect(answer.status).toBe(202);
  expect(await answer.json()).toMatchObject({ result: 'enqueued', jobId: job.jobId, flavor: small });
  expect(await jobSignals(handleOf(small))).toContainEqual(job);
});

test('a redelivery is signalled again, into the same run: the workflow drops the job id it holds', async () => {
  const handle = handleOf(small);
  const before = await jobSignals(handle);
  const { runId } = await handle.describe();
  const { job, delivery } = queuedJob(['small']);
  expect((await post(delivery)).status).toBe(202);
  expect((await post(delivery)).status).toBe(202);
  expect(await jobSignals(handle)).toEqual([...before, job, job]);
  expect((await handle.describe()).runId).toBe(runId);
});

describe('refused or ignored deliveries start nothing', () => {
  const flavor = uniqueName('quiet');
  const quietFlavors: FlavorSettingsInput[] = [{ flavor, mode: 'reactive', labels: ['quiet'] }];
  let quiet: JobIntake;
  const queuedPayload = (job: Record<string, unknown>, action = 'queued') =>
    JSON.stringify({ action, workflow_job: job });
  const jobJson = () => {
    const { job } = queuedJob(['quiet']);
    return { id: job.jobId, labels: job.labels, url: job.url };
  };

  beforeAll(async () => {
    quiet = await start({ flavors: quietFlavors, maxBodyBytes: 4096 });
  });
  afterAll(async () => {
    await quiet.close();
    await expectNotStarted(flavor);
  });

  test.each([
    ['signed with another secret', () => signedDelivery('workflow_job', queuedPayload(jobJson()), 'not-the-secret')],
    [
      'a body changed after signing',
      () => {
        const delivery = signedDelivery('workflow_job', queuedPayload(jobJson()), secret);
        return { ...delivery, body: delivery.body.replace('quiet', 'quiet2') };
      },
    ],
    [
      'no signature',
      () => {
        const delivery = signedDelivery('workflow_job', queuedPayload(jobJson()), secret);
        delete delivery.headers['x-hub-signature-256'];
        return delivery;
      },
    ],
    [
      'only the SHA-1 signature',
      () => {
        const delivery = signedDelivery('workflow_job', queuedPayload(jobJson()), secret);
        return {
          ...delivery,
          headers: { ...delivery.headers, 'x-hub-signature-256': delivery.headers['x-hub-signature'] },
        };
      },
    ],
    ['an empty body', () => signedDelivery('workflow_job', '', secret, 'json')],
  ])('%s: 401', async (_case, delivery) => {
    const answer = await post(delivery(), quiet.url);
    expect(answer.status).toBe(401);
    expect(await answer.text()).not.toContain(secret);
  });

  test.each([
    ['not JSON', 'workflow_job', () => '{"action": "queued", '],
    ['a JSON array', 'workflow_job', () => '[]'],
    ['no action', 'workflow_job', () => JSON.stringify({ workflow_job: jobJson() })],
    ['no workflow_job', 'workflow_job', () => JSON.stringify({ action: 'queued' })],
    ['a job id of 0', 'workflow_job', () => queuedPayload({ ...jobJson(), id: 0 })],
    ['a job id that is a string', 'workflow_job', () => queuedPayload({ ...jobJson(), id: '12' })],
    ['labels that are no list', 'workflow_job', () => queuedPayload({ ...jobJson(), labels: 'quiet' })],
    ['an empty label', 'workflow_job', () => queuedPayload({ ...jobJson(), labels: ['quiet', ''] })],
    ['no url', 'workflow_job', () => queuedPayload({ ...jobJson(), url: undefined })],
    ['no event header', '', () => queuedPayload(jobJson())],
  ])('%s: 400, form-encoded or JSON', async (_case, event, body) => {
    for (const contentType of ['form', 'json'] as const) {
      const delivery = signedDelivery(event, body(), secret, contentType);
      if (!event) delete delivery.headers['x-github-event'];
      const answer = await post(delivery, quiet.url);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({ error: expect.any(String) });
    }
  });

  /** A delivery of exactly `body`, signed, sent with this content type. */
  const sentAs = (mediaType: string, body: string) => {
    const delivery = signedDelivery('workflow_job', body, secret, 'json');
    return { ...delivery, headers: { ...delivery.headers, 'content-type': mediaType } };
  };

  test.each([
    [
      'a form without its payload field',
      'application/x-www-form-urlencoded',
      () => `json=${encodeURIComponent(queuedPayload(jobJson()))}`,
      400,
    ],
    ['another content type', 'text/plain', () => queuedPayload(jobJson()), 415],
    ['no content type', '', () => queuedPayload(jobJson()), 415],
  ])('%s: %s', async (_case, mediaType, body, status) => {
    const answer = await post(sentAs(mediaType, body()), quiet.url);
    expect(answer.status).toBe(status);
    expect(await answer.json()).toEqual({ error: expect.any(String) });
  });

  test('charset parameters and case in the content type are no matter', async () => {
    const answer = await post(
      sentAs('Application/JSON; charset=utf-8', queuedPayload(jobJson(), 'completed')),
      quiet.url,
    );
    expect(answer.status).toBe(200);
  });

  test.each([
    ['a ping', 'ping', () => JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 })],
    ['a push', 'push', () => JSON.stringify({ ref: 'refs/heads/main' })],
    ['an in_progress job', 'workflow_job', () => queuedPayload(jobJson(), 'in_progress')],
    ['a completed job', 'workflow_job', () => queuedPayload(jobJson(), 'completed')],
    ['a waiting job', 'workflow_job', () => queuedPayload(jobJson(), 'waiting')],
  ])('%s: 200, ignored', async (_case, event, body) => {
    const answer = await post(signedDelivery(event, body(), secret), quiet.url);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ result: 'ignored' });
  });

  test('a body over the limit: 413, before its signature is looked at', async () => {
    const big = queuedPayload({ ...jobJson(), labels: Array.from({ length: 90 }, (_, i) => `quiet-label-${i}`) });
    const answer = await post(signedDelivery('workflow_job', big.padEnd(5000, ' '), 'not-the-secret'), quiet.url);
    expect(answer.status).toBe(413);
  });

  test('another path is a 404, another method a 405', async () => {
    const delivery = signedDelivery('workflow_job', queuedPayload(jobJson()), secret);
    expect((await post(delivery, quiet.url.replace('/webhook', '/hook'))).status).toBe(404);
    const get = await fetch(quiet.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

test('when Temporal refuses the signal: 503, and the log says why without the secret', async () => {
  const nowhere = new Client({ connection: env.connection, namespace: uniqueName('no-such-namespace') });
  const broken = await start({ client: nowhere });
  try {
    const { job, delivery } = queuedJob(['small']);
    const answer = await post(delivery, broken.url);
    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual({ error: expect.stringMatching(/redeliver/), jobId: job.jobId });
    const failure = logged.find((entry) => JSON.stringify(entry).includes('not enqueued'));
    expect(JSON.stringify(failure)).toMatch(new RegExp(`"jobId":${job.jobId}.*Namespace not found`));
  } finally {
    await broken.close();
  }
});

test('nothing logged holds the secret or a signature', () => {
  expect(logged.length).toBeGreaterThan(20);
  const text = JSON.stringify(logged);
  expect(text).not.toContain(secret);
  expect(text).not.toMatch(/sha(1|256)=/);
});
