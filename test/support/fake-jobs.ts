import type { JobChecker } from '../../activities';
import type { CheckJobRequest, CheckJobResult, JobStatus } from '../../contracts/activities';

/**
 * GitHub's jobs for workflow tests of the reactive mode: a job is queued until the test says
 * otherwise (the real checker is tested against the GitHub simulator). Every look is counted.
 */
export class FakeJobs implements JobChecker {
  readonly statuses = new Map<string, JobStatus>();
  readonly checks: string[] = [];
  /** Looks at these jobs fail, as when GitHub is down. */
  readonly failing = new Set<string>();

  async checkJob({ url }: CheckJobRequest): Promise<CheckJobResult> {
    this.checks.push(url);
    if (this.failing.has(url)) throw new Error('GitHub unavailable');
    return { status: this.statuses.get(url) ?? 'queued' };
  }
}
