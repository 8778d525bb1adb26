import { createHmac, randomUUID } from 'node:crypto';
import { jobJson } from './job-wire';
import type { Job } from './jobs';
import type { GitHubState } from './state';
import type { WebhookContentType, WebhookDelivery } from './types';
import { organizationJson, repositoryJson, userJson } from './webhook-accounts';

/**
 * `workflow_job` webhooks as GitHub delivers them: a JSON payload with the action, the job (in the REST
 * API's format), its repository, organisation and sender, encoded as the webhook's content type (form
 * by default, as on GitHub) and POSTed with the X-GitHub-* headers and the body's HMAC signatures under
 * the webhook's secret. Signed here with node:crypto, independently of the @octokit/webhooks the intake
 * verifies with.
 */

/** GitHub's action for a job's status: what just happened to it. */
const actions: Record<Job['status'], string> = {
  queued: 'queued',
  requested: 'queued',
  pending: 'queued',
  waiting: 'waiting',
  in_progress: 'in_progress',
  completed: 'completed',
};

export function workflowJobDelivery(
  state: GitHubState,
  job: Job,
  secret: string,
  contentType: WebhookContentType = 'form',
): WebhookDelivery {
  const workflowJob = jobJson(job, state.baseUrl);
  const payload = {
    action: actions[job.status],
    // A webhook's job is queued, waiting, in_progress or completed, as its action: the REST API's
    // requested and pending are queued there (@octokit/webhooks-schemas, workflow_job queued).
    workflow_job: { ...workflowJob, status: actions[job.status] },
    repository: repositoryJson(job.owner, job.repo, state.baseUrl, workflowJob.created_at ?? ''),
    organization: organizationJson(job.owner, state.baseUrl),
    sender: userJson('octocat', 'User', state.baseUrl),
  };
  return signedDelivery('workflow_job', JSON.stringify(payload), secret, contentType);
}

const mediaTypes: Record<WebhookContentType, string> = {
  form: 'application/x-www-form-urlencoded',
  json: 'application/json',
};

/**
 * Any event's delivery of the JSON text `payload` as it is (a test's malformed one too), in the content
 * type's body (`payload=<the JSON, form-encoded>` for form), the body signed with `secret`.
 */
export function signedDelivery(
  event: string,
  payload: string,
  secret: string,
  contentType: WebhookContentType = 'form',
): WebhookDelivery {
  const body = contentType === 'form' ? new URLSearchParams({ payload }).toString() : payload;
  const hmac = (algorithm: string) => `${algorithm}=${createHmac(algorithm, secret).update(body).digest('hex')}`;
  return {
    headers: {
      'content-type': mediaTypes[contentType],
      'user-agent': 'GitHub-Hookshot/5c1e1ab',
      'x-github-event': event,
      'x-github-delivery': randomUUID(),
      'x-github-hook-id': '421337',
      'x-github-hook-installation-target-type': 'organization',
      'x-github-hook-installation-target-id': '1',
      'x-hub-signature': hmac('sha1'),
      'x-hub-signature-256': hmac('sha256'),
    },
    body,
  };
}

/** POSTs a delivery; GitHub gives up after 10 s and does not retry by itself. */
export function sendDelivery(url: string, delivery: WebhookDelivery, signal?: AbortSignal): Promise<Response> {
  const timeout = AbortSignal.timeout(10_000);
  return fetch(url, {
    method: 'POST',
    headers: delivery.headers,
    body: delivery.body,
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
}

/**
 * Sends every job change to the simulator's `webhook`, when one is set, one delivery at a time in the
 * order of the changes (GitHub does not promise the order; this keeps tests simple). Each delivery is
 * built when the change happens, so it shows the job as it was then.
 */
export function sendJobWebhooks(state: GitHubState): void {
  const { stats, closing } = state;
  let previous = Promise.resolve();
  state.jobs.onChange((job) => {
    const target = state.simulator.webhook;
    if (!target) return;
    const delivery = workflowJobDelivery(state, job, target.secret, target.contentType);
    previous = previous.then(async () => {
      if (await delivered(target.url, delivery, closing.signal)) stats.webhooks.delivered += 1;
      else stats.webhooks.failed += 1;
    });
  });
}

async function delivered(url: string, delivery: WebhookDelivery, signal: AbortSignal): Promise<boolean> {
  try {
    const answer = await sendDelivery(url, delivery, signal);
    await answer.arrayBuffer();
    return answer.ok;
  } catch {
    return false;
  }
}
