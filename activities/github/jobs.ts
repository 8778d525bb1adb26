import type { JobChecker } from '..';
import type { JobStatus } from '../../contracts/activities';
import type { GitHubConnection } from './connection';
import { GitHubApiError } from './errors';
import { statusOf } from './http-error';
import { parseJobUrl } from './job-url';

/**
 * GitHub's job statuses as reactive mode reads them: a job still waiting for a runner (for one, or for
 * an environment's approval, or a concurrency group) is queued.
 */
const statuses: Record<string, JobStatus> = {
  queued: 'queued',
  waiting: 'queued',
  requested: 'queued',
  pending: 'queued',
  in_progress: 'in_progress',
  completed: 'completed',
};

/**
 * Reactive mode's look at a job, on the connection the runner client uses. A URL that is not a job on
 * the configured API is 'foreign_host' without a call; a job GitHub does not know (or no longer shows
 * this credential) is 'not_found'. Any other failure throws the connection's redacted GitHubApiError,
 * which the activity's retry policy retries.
 */
export function createJobChecker(github: GitHubConnection): JobChecker {
  return {
    async checkJob({ url }) {
      const job = parseJobUrl(url, github.baseUrl);
      if (!job) return { status: 'foreign_host' };
      const operation = `get job ${job.jobId} of ${job.owner}/${job.repo}`;
      try {
        const { data } = await github.octokit.rest.actions.getJobForWorkflowRun({
          owner: job.owner,
          repo: job.repo,
          job_id: job.jobId,
        });
        const status = statuses[data.status];
        if (!status) {
          throw new GitHubApiError(`GitHub ${operation}: unknown job status ${JSON.stringify(data.status)}`, {
            retryable: false,
          });
        }
        return { status };
      } catch (err) {
        if (statusOf(err) === 404) return { status: 'not_found' };
        return github.fail(operation)(err);
      }
    },
  };
}
