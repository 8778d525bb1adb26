import { jobSnapshot, jobUrl } from './jobs';
import { autoPickUp, pickUpJobs } from './pickup';
import type { GitHubState } from './state';
import type { GitHubSimulator, QueueJobRequest } from './types';
import { workflowJobDelivery } from './webhooks';

/** The workflow jobs' side of the simulated GitHub: queued, picked up, finished, and their webhooks. */
export type JobLifecycle = Pick<
  GitHubSimulator,
  'queueJob' | 'jobs' | 'pickUpJobs' | 'finishJobById' | 'workflowJobDelivery'
>;

/** Owner and repository names go into URLs: GitHub's characters only. */
const namePattern = /^[A-Za-z0-9._-]{1,100}$/;
const waitingStatuses: unknown[] = ['queued', 'waiting', 'requested', 'pending'];

export function createJobLifecycle(state: GitHubState): JobLifecycle {
  const { jobs, runners } = state;
  const jobOf = (jobId: number) => {
    const job = jobs.get(jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    return job;
  };
  return {
    queueJob(request) {
      validate(request);
      const job = jobs.queue(request);
      autoPickUp(state);
      return { id: job.id, url: jobUrl(job, state.baseUrl) };
    },
    jobs: () => jobs.all().map((job) => jobSnapshot(job, state.baseUrl)),
    pickUpJobs: () => pickUpJobs(state),
    finishJobById(jobId, conclusion) {
      const job = jobOf(jobId);
      if (job.status === 'completed') throw new Error(`job ${jobId} is completed already`);
      const runner = job.runner && runners.all().find((candidate) => candidate.id === job.runner?.id);
      jobs.complete(job, conclusion ?? (job.status === 'in_progress' ? 'success' : 'cancelled'));
      // Its runner is a single-use JIT runner, as in finishJob: it deregisters.
      runner?.scope.runners.delete(runner.id);
    },
    workflowJobDelivery: (jobId, secret, contentType) => workflowJobDelivery(state, jobOf(jobId), secret, contentType),
  };
}

/** A request no GitHub job could come from is a TypeError (422 over /control/). */
function validate({ labels, owner, repo, status }: QueueJobRequest): void {
  if (!Array.isArray(labels) || labels.some((label) => typeof label !== 'string' || label === '')) {
    throw new TypeError('labels must be a list of non-empty strings');
  }
  if (status !== undefined && !waitingStatuses.includes(status)) {
    throw new TypeError(`status must be one of ${waitingStatuses.join(', ')}`);
  }
  for (const [field, value] of Object.entries({ owner, repo })) {
    if (value !== undefined && (typeof value !== 'string' || !namePattern.test(value))) {
      throw new TypeError(`${field} is not a GitHub name`);
    }
  }
}
