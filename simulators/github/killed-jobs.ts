import type { Runner } from './runners';
import type { GitHubState } from './state';
import type { KilledJob } from './types';

/**
 * The simulator's record of jobs that died because their runner was removed under them: a DELETE GitHub
 * accepted while the flag lagged (a job that had just begun), or the runner's machine deleted. A fleet
 * manager must never cause either; this record is what a test or the soak checks it against.
 */
export function killJob(state: GitHubState, runner: Runner, cause: KilledJob['cause']): void {
  if (!runner.busy) return;
  const job = state.jobs.runningOn(runner.id);
  if (job) state.jobs.complete(job, 'failure');
  state.killedJobs.push({
    runnerName: runner.name,
    ...(job && { jobId: job.id }),
    ...(runner.onlineAt !== undefined && { onlineAt: runner.onlineAt }),
    startedAt: runner.job?.startedAt ?? Date.now(),
    lagMs: runner.job?.lagMs ?? 0,
    killedAt: Date.now(),
    cause,
  });
  runner.busy = false;
}
