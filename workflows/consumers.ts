/**
 * Reactive mode's job consumers, Temporal-native: each is a coroutine of the flavor workflow in its own
 * cancellation scope (durable like the rest of the workflow), serving one job and then ending. Killing
 * one is a cancellation; its job goes back to the queue with the runner name of its attempt, so the
 * next consumer resumes that attempt instead of making a second runner. Runners are made by the
 * workflow's main loop (`requestRunner`), which keeps every create and delete of the flavor in one line.
 */
import { CancellationScope, condition, isCancellation, log, sleep } from '@temporalio/workflow';
import { checkJob } from './activity-proxies';
import { describeFailure } from './failures';
import type { JobQueue } from './job-queue';
import type { QueuedJob } from '../contracts/state';
import { jobRetryDelaySeconds, pickupCheckSeconds } from '../policy/backoff';
import { supportsJobLabels } from '../policy/reactive';
import type { FlavorSettings } from '../contracts/settings';

export interface ConsumerDeps {
  settings: FlavorSettings;
  queue: JobQueue;
  /** A fresh runner name (numbering never goes back). */
  takeRunnerName(): string;
  /** Has the main loop create this runner; answers whether it exists now. */
  requestRunner(name: string): Promise<boolean>;
}

type Outcome = 'acknowledged' | 'dropped';

interface Consumer {
  scope: CancellationScope;
  job?: QueuedJob;
}

export class ConsumerPool {
  private readonly consumers = new Map<number, Consumer>();
  private nextId = 0;

  constructor(private readonly deps: ConsumerDeps) {}

  get size(): number {
    return this.consumers.size;
  }

  start(count: number): void {
    for (let i = 0; i < count; i++) {
      const id = this.nextId++;
      const consumer: Consumer = { scope: new CancellationScope() };
      this.consumers.set(id, consumer);
      consumer.scope
        .run(() => this.consume(id, consumer))
        .catch((err) => {
          if (!isCancellation(err)) throw err;
        })
        .finally(() => this.consumers.delete(id));
    }
  }

  /** Stops `count` consumers: those still waiting for a job first, then the newest. */
  stop(count: number): void {
    const byPreference = [...this.consumers.entries()].sort(
      ([a, first], [b, second]) => Number(first.job !== undefined) - Number(second.job !== undefined) || b - a,
    );
    for (const [id, consumer] of byPreference.slice(0, count)) {
      this.consumers.delete(id);
      consumer.scope.cancel();
    }
  }

  stopAll(): void {
    this.stop(this.consumers.size);
  }

  private async consume(id: number, consumer: Consumer): Promise<void> {
    const { queue, settings } = this.deps;
    consumer.job = await this.takeJob(id);
    const job = consumer.job;
    try {
      const outcome = await this.serve(job);
      log.info('job served', { flavor: settings.flavor, jobId: job.jobId, outcome, attempts: job.attempts });
      queue.finish(job, outcome);
    } catch (err) {
      queue.release(job);
      if (isCancellation(err)) throw err;
      // A look at GitHub that failed after its retries ends this consumer, not the workflow: the job waits
      // for the next one, and the next reconcile tops the consumers up.
      log.warn('consumer failed, job back in the queue', { flavor: settings.flavor, error: describeFailure(err) });
    }
  }

  /** Every waiting consumer wakes for one new job; the first takes it and the others wait on. */
  private async takeJob(id: number): Promise<QueuedJob> {
    const { queue } = this.deps;
    for (;;) {
      await condition(() => queue.hasWaiting());
      const job = queue.take(id);
      if (job) return job;
    }
  }

  /** One job, from the label check to a runner that picked it up (or the last attempt). */
  private async serve(job: QueuedJob): Promise<Outcome> {
    const { settings } = this.deps;
    if (!supportsJobLabels(job.labels, settings.labels, settings.architecture)) {
      log.warn('job labels not supported, dropped', { flavor: settings.flavor, jobId: job.jobId, labels: job.labels });
      return 'dropped';
    }
    while (job.attempts < settings.jobMaxAttempts) {
      if (job.notBefore) await sleep(Math.max(Date.parse(job.notBefore) - Date.now(), 0));
      const { status } = await checkJob({ url: job.url });
      if (status === 'foreign_host' || status === 'not_found') return 'dropped';
      if (status !== 'queued') return 'acknowledged';
      if (!job.runnerName) job.runnerName = this.deps.takeRunnerName();
      if (!job.runnerCreated) job.runnerCreated = await this.deps.requestRunner(job.runnerName);
      if (job.runnerCreated) {
        const picked = await this.waitForPickup(job);
        if (picked) return picked;
      }
      job.attempts += 1;
      job.runnerName = undefined;
      job.runnerCreated = undefined;
      const delay = jobRetryDelaySeconds(job.attempts, settings.jobRetryInitialSeconds, settings.jobRetryMaxSeconds);
      job.notBefore = new Date(Date.now() + delay * 1000).toISOString();
    }
    log.warn('job not picked up after every attempt, dropped', { flavor: settings.flavor, jobId: job.jobId });
    return 'dropped';
  }

  /** Looks a few times within the window; the outcome once the job left the queued state. */
  private async waitForPickup(job: QueuedJob): Promise<Outcome | undefined> {
    const window = this.deps.settings.jobPickupWindowSeconds;
    const step = pickupCheckSeconds(window);
    for (let waited = 0; waited < window; waited += step) {
      await sleep(step * 1000);
      const { status } = await checkJob({ url: job.url });
      if (status === 'in_progress' || status === 'completed') return 'acknowledged';
      if (status !== 'queued') return 'dropped';
    }
    return undefined;
  }
}
