/**
 * The legacy reactive mode's decisions as pure functions (table-tested in test/workflows/reactive.test.ts).
 * The rule, from the original runner manager: keep `runners + job consumers == expected quantity`, where
 * a consumer is a worker that takes one job from the flavor's queue and makes one runner for it.
 */
import type { JobMessage } from '../activities/interfaces';
import { labelsFitJob, runnerLabels } from '../policy/runner-labels';
import { describeValue, type Checked } from './decisions';

export interface ReactiveCounts {
  /** Runners of the flavor from the tick's fresh list, busy or not. */
  runners: number;
  /** Of those, idle ones: the only runners this mode ever removes. */
  idleRunners: number;
  /** Consumers running now. */
  consumers: number;
  /** The expected quantity (the flavor's maxRunners). */
  quantity: number;
  /** Messages waiting in the queue or being served. */
  queuedJobs: number;
}

/** The metric events a reconcile issues. */
export interface ReactiveMetricStats {
  runnersRemoved: number;
  consumersStarted: number;
  consumersStopped: number;
}

export interface ReactivePlan {
  /** Consumers to start (positive) or stop (negative). */
  processesDiff: number;
  /** Idle runners to remove now. */
  removeIdleRunners: number;
  metricStats: ReactiveMetricStats;
}

/**
 * One reconcile. An empty queue first removes every idle runner (nothing waits for them); then runners
 * above the quantity go (idle ones only, so a busy runner is never killed and the surplus may remain
 * until jobs end), and consumers fill what the runners leave of the quantity.
 */
export function reconcileReactive(counts: ReactiveCounts): ReactivePlan {
  const flushed = counts.queuedJobs === 0 ? counts.idleRunners : 0;
  const runners = counts.runners - flushed;
  const surplus = Math.max(runners - counts.quantity, 0);
  const removeIdleRunners = flushed + Math.min(surplus, counts.idleRunners - flushed);
  const consumersWanted = Math.max(counts.quantity - runners, 0);
  const processesDiff = consumersWanted - counts.consumers;
  return {
    processesDiff,
    removeIdleRunners,
    metricStats: {
      runnersRemoved: removeIdleRunners,
      consumersStarted: Math.max(processesDiff, 0),
      consumersStopped: Math.max(-processesDiff, 0),
    },
  };
}

/**
 * A job may run on this flavor when its runners' labels (policy/runner-labels.ts: the flavor's, plus
 * self-hosted, linux and the architecture) hold each of its labels; a job asking for anything else is
 * dropped, as the original did.
 */
export function supportsJobLabels(jobLabels: string[], flavorLabels: string[], architecture: string): boolean {
  return labelsFitJob(runnerLabels(flavorLabels, architecture), jobLabels);
}

/** Delay before attempt `attempt + 1` after `attempt` runners went unpicked: doubling, capped. */
export function jobRetryDelaySeconds(attempt: number, initialSeconds: number, maxSeconds: number): number {
  return Math.min(initialSeconds * 2 ** Math.min(Math.max(attempt - 1, 0), 30), maxSeconds);
}

/** How often a consumer asks GitHub whether its job was picked up: five looks per window. */
export function pickupCheckSeconds(windowSeconds: number): number {
  return Math.max(windowSeconds / 5, 1);
}

/** A job message as the intake must send it. */
export function checkJobMessage(value: unknown): Checked<JobMessage> {
  const message = value as Partial<JobMessage> | null;
  if (typeof message !== 'object' || message === null) {
    return { ok: false, reason: `job must be an object, got ${describeValue(value)}` };
  }
  if (typeof message.jobId !== 'number' || !Number.isSafeInteger(message.jobId) || message.jobId <= 0) {
    return { ok: false, reason: `jobId must be a positive integer, got ${describeValue(message.jobId)}` };
  }
  if (!Array.isArray(message.labels) || message.labels.some((label) => typeof label !== 'string')) {
    return { ok: false, reason: `labels must be a list of strings, got ${describeValue(message.labels)}` };
  }
  if (typeof message.url !== 'string' || message.url.length === 0 || message.url.length > 2000) {
    return { ok: false, reason: `url must be a job URL, got ${describeValue(message.url)}` };
  }
  return { ok: true, value: { jobId: message.jobId, labels: [...message.labels], url: message.url } };
}
