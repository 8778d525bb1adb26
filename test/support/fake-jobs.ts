import type { JobChecker } from '../../activities';
import type { CheckJobRequest, CheckJobResult, JobStatus } from '../../contracts/activities';
import { gitHubError } from './github-error';

/**
 * GitHub's jobs for workflow tests of the reactive mode: a job is queued until the test says
 * otherwise (the real checker is tested against the GitHub simulator). Every look is counted.
 */
export class FakeJobs implements JobChecker {
  readonly statuses = new Map<string, JobStatus>();
  readonly checks: string[] = [];
  /** Looks at these jobs fail as the real checker does when GitHub is down (a retryable 503). */
  readonly failing = new Set<string>();

  async checkJob({ url }: CheckJobRequest): Promise<CheckJobResult> {
    this.checks.push(url);
    if (this.failing.has(url)) throw gitHubError(503, 'GET', url, `get job ${url}`);
    return { status: this.statuses.get(url) ?? 'queued' };
  }
}
