import type { JobMessage } from '../../contracts/activities';

/**
 * What a verified delivery asks for: a queued job to enqueue, nothing, or it is malformed (400). A job's
 * in_progress asks for nothing either, but says which runner took it (for job_wait_seconds).
 */
export type Delivery =
  | { kind: 'job'; job: JobMessage }
  | { kind: 'started'; jobId: number; runnerName?: string; reason: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string };

/** Bounds on what goes into a workflow signal (and so into its history); GitHub's own jobs are far below. */
const maxLabels = 100;
const maxLabelLength = 256;
const maxUrlLength = 2048;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the JSON payload of a delivery whose signature was checked: `workflow_job` with action `queued` is a job (its id,
 * labels and API URL); a ping, any other event or another action (in_progress, completed, waiting) is
 * ignored; anything else is invalid, named without echoing the payload.
 */
export function readDelivery(event: string | undefined, payloadText: string): Delivery {
  if (!event) return { kind: 'invalid', reason: 'no X-GitHub-Event header' };
  if (event !== 'workflow_job') return { kind: 'ignored', reason: `event ${event.slice(0, 64)}` };
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    return { kind: 'invalid', reason: 'the payload is not JSON' };
  }
  if (!isObject(payload)) return { kind: 'invalid', reason: 'the payload is not a JSON object' };
  if (typeof payload.action !== 'string') return { kind: 'invalid', reason: 'action is missing' };
  if (payload.action === 'in_progress') return started(payload.workflow_job);
  if (payload.action !== 'queued') return { kind: 'ignored', reason: `action ${payload.action.slice(0, 64)}` };
  const job = payload.workflow_job;
  if (!isObject(job)) return { kind: 'invalid', reason: 'workflow_job is missing' };
  const { id, labels, url } = job;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    return { kind: 'invalid', reason: 'workflow_job.id is not a positive integer' };
  }
  const labelsValid =
    Array.isArray(labels) &&
    labels.length <= maxLabels &&
    labels.every((label) => typeof label === 'string' && label.length > 0 && label.length <= maxLabelLength);
  if (!labelsValid)
    return { kind: 'invalid', reason: `workflow_job.labels is not a list of up to ${maxLabels} labels` };
  if (typeof url !== 'string' || url.length === 0 || url.length > maxUrlLength) {
    return { kind: 'invalid', reason: 'workflow_job.url is missing' };
  }
  return { kind: 'job', job: { jobId: id, labels: labels as string[], url } };
}

/** An in_progress job: its id and runner_name when they are there (anything else is ignored as before). */
function started(job: unknown): Delivery {
  const reason = 'action in_progress';
  if (!isObject(job) || typeof job.id !== 'number' || !Number.isSafeInteger(job.id)) return { kind: 'ignored', reason };
  const runnerName = typeof job.runner_name === 'string' ? job.runner_name : undefined;
  return { kind: 'started', jobId: job.id, runnerName, reason };
}
