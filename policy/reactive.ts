/**
 * The legacy reactive mode's decisions as pure functions (table-tested in reactive.test.ts).
 * The rule, from the original runner manager: keep `runners + job consumers == expected quantity`, where
 * a consumer is a worker that takes one job from the flavor's queue and makes one runner for it.
 */
import type { ReactiveMetricStats } from '../contracts/state';
import { labelsFitJob, runnerLabels } from './runner-labels';

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
