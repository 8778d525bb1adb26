/**
 * Reactive mode's durable job queue: plain data in the workflow's carried state, so it survives worker
 * crashes and continue-as-new. A message stays in the queue until it is acknowledged or dropped; a
 * consumer only marks it taken, so a killed consumer gives it back by clearing the mark, and the runner
 * name chosen for the attempt under way goes back with it: the next consumer reuses that name, and the
 * create is idempotent by name, so a requeued message never makes a second runner.
 */
import type { JobMessage } from '../contracts/activities';
import type { JobQueueData, QueuedJob } from '../contracts/state';

/** How many departed job ids are remembered for de-duplication. */
const RECENT_IDS = 5000;

export function emptyJobQueue(): JobQueueData {
  return { jobs: [], recentIds: [], acknowledged: 0, dropped: 0, duplicates: 0 };
}

export class JobQueue {
  constructor(readonly data: JobQueueData) {
    for (const job of data.jobs) job.takenBy = undefined;
  }

  /** Adds a job unless it is queued already or left lately; answers whether it was added. */
  add(message: JobMessage): boolean {
    const known = this.data.jobs.some((job) => job.jobId === message.jobId);
    if (known || this.data.recentIds.includes(message.jobId)) {
      this.data.duplicates += 1;
      return false;
    }
    this.data.jobs.push({ ...message, attempts: 0 });
    return true;
  }

  /** The oldest waiting job, now taken by `consumer`; undefined when none waits. */
  take(consumer: number): QueuedJob | undefined {
    const job = this.data.jobs.find((candidate) => candidate.takenBy === undefined);
    if (job) job.takenBy = consumer;
    return job;
  }

  hasWaiting(): boolean {
    return this.data.jobs.some((job) => job.takenBy === undefined);
  }

  /** A killed consumer's job goes back, keeping its attempt and runner name. */
  release(job: QueuedJob): void {
    job.takenBy = undefined;
  }

  /** The job is done with: picked up (acknowledged) or not servable (dropped). */
  finish(job: QueuedJob, outcome: 'acknowledged' | 'dropped'): void {
    this.data.jobs = this.data.jobs.filter((candidate) => candidate !== job);
    this.data.recentIds.push(job.jobId);
    if (this.data.recentIds.length > RECENT_IDS) this.data.recentIds.splice(0, this.data.recentIds.length - RECENT_IDS);
    this.data[outcome] += 1;
  }

  get size(): number {
    return this.data.jobs.length;
  }

  get inFlight(): number {
    return this.data.jobs.filter((job) => job.takenBy !== undefined).length;
  }
}
