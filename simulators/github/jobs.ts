import type { Runner } from './runners';
import type { QueueJobRequest, SimulatedJob, SimulatedJobStatus } from './types';

/** The workflow jobs: queued by a test, taken by a runner, completed when its runner finishes. */

export interface Job {
  id: number;
  runId: number;
  owner: string;
  repo: string;
  labels: string[];
  status: SimulatedJobStatus;
  conclusion: string | null;
  createdAt: Date;
  startedAt?: Date;
  completedAt?: Date;
  runner?: { id: number; name: string; groupId: number; groupName: string };
}

/** What a job changed into, for the webhook of the change. */
export type JobListener = (job: Job) => void;

export class JobStore {
  readonly #jobs = new Map<number, Job>();
  /** Job ids past 2^32, as GitHub's are: a client that squeezes them into 32 bits shows it at once. */
  #nextId = 5_000_000_001;
  #nextRunId = 12_000_001;
  readonly #listeners = new Set<JobListener>();

  constructor(private readonly org: string) {}

  queue({ labels, owner = this.org, repo = 'widgets', status = 'queued' }: QueueJobRequest): Job {
    const job: Job = {
      id: this.#nextId++,
      runId: this.#nextRunId++,
      owner,
      repo,
      labels: [...labels],
      status,
      conclusion: null,
      createdAt: new Date(),
    };
    this.#jobs.set(job.id, job);
    this.#changed(job);
    return job;
  }

  get(id: number): Job | undefined {
    return this.#jobs.get(id);
  }

  all(): Job[] {
    return [...this.#jobs.values()];
  }

  /** The job a runner is running, if it took one from the queue. */
  runningOn(runnerId: number): Job | undefined {
    return this.all().find((job) => job.status === 'in_progress' && job.runner?.id === runnerId);
  }

  start(job: Job, runner: Runner): void {
    const group = runner.scope.groups.find((candidate) => candidate.id === runner.groupId);
    job.status = 'in_progress';
    job.startedAt = new Date();
    job.runner = { id: runner.id, name: runner.name, groupId: runner.groupId, groupName: group?.name ?? 'Default' };
    this.#changed(job);
  }

  complete(job: Job, conclusion: string): void {
    job.status = 'completed';
    job.conclusion = conclusion;
    job.completedAt = new Date();
    this.#changed(job);
  }

  onChange(listener: JobListener): void {
    this.#listeners.add(listener);
  }

  #changed(job: Job): void {
    for (const listener of this.#listeners) listener(job);
  }
}

/** A copy of a job as the simulator's handle shows it. */
export const jobSnapshot = (job: Job, apiBase: string): SimulatedJob => ({
  id: job.id,
  url: jobUrl(job, apiBase),
  owner: job.owner,
  repo: job.repo,
  labels: [...job.labels],
  status: job.status,
  conclusion: job.conclusion,
  ...(job.runner && { runnerName: job.runner.name }),
});

export const jobUrl = (job: Job, apiBase: string): string =>
  `${apiBase}/repos/${job.owner}/${job.repo}/actions/jobs/${job.id}`;
