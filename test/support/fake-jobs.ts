import type { JobChecker } from '../../activities';
import type { CheckJobRequest, CheckJobResult, JobStatus } from '../../activities/interfaces';

/**
 * GitHub's jobs for workflow tests of the reactive mode: a job is queued until the test says
 * otherwise (the real checker is tested against the GitHub simulator). Every look is counted.
 */
export class FakeJobs implements JobChecker {
  readonly statuses = new Map<string, JobStatus>();
  readonly checks: string[] = [];

  async checkJob({ url }: CheckJobRequest): Promise<CheckJobResult> {
    this.checks.push(url);
    return { status: this.statuses.get(url) ?? 'queued' };
  }
}
