import type { Job } from './jobs';
import { startJob, type Runner } from './runners';
import type { GitHubState } from './state';

/**
 * How GitHub hands a queued job to a self-hosted runner: an online, idle runner that can see the job's
 * repository (an organisation's runner, or one of that repository) and whose labels hold every label of
 * the job, in any case ("jobs will be queued on runners that have all the labels that you specify",
 * GitHub's docs on using self-hosted runners in a workflow; label names match case-insensitively).
 * Read-only and custom labels count alike, and a JIT runner has only the labels its registration named.
 * Oldest job first; among the runners that fit, the oldest registration. Runner group access is not
 * simulated.
 */
export function fits(runner: Runner, job: Job): boolean {
  if (runner.status !== 'online' || runner.busy) return false;
  const scope = runner.scope.key.toLowerCase();
  const owner = job.owner.toLowerCase();
  if (scope !== `orgs/${owner}` && scope !== `repos/${owner}/${job.repo.toLowerCase()}`) return false;
  const labels = new Set(runner.labels.map((label) => label.name.toLowerCase()));
  return job.labels.every((label) => labels.has(label.toLowerCase()));
}

/** Every queued job a runner fits goes to one: the runner turns busy, the job in_progress. */
export function pickUpJobs({ jobs, runners, simulator }: GitHubState): { jobId: number; runnerName: string }[] {
  const taken: { jobId: number; runnerName: string }[] = [];
  for (const job of jobs.all().filter((candidate) => candidate.status === 'queued')) {
    const [runner] = runners
      .all()
      .filter((candidate) => fits(candidate, job))
      .sort((a, b) => a.id - b.id);
    if (!runner) continue;
    startJob(runner, simulator.faults.busyLagMs);
    jobs.start(job, runner);
    taken.push({ jobId: job.id, runnerName: runner.name });
  }
  return taken;
}

/** After a runner comes online idle, or a job is queued: GitHub's own pickup, unless the test turned it off. */
export function autoPickUp(state: GitHubState): void {
  if (state.jobPickup === 'auto') pickUpJobs(state);
}
