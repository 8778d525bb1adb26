import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { RunnerActivities } from '../contracts/activities';

/**
 * The pressure stream lives as long as the run: it heartbeats (a dead worker is noticed within 30 s)
 * and is not retried by Temporal, because a failed stream is a workflow decision (fallback, backoff).
 */
export const { streamPressure } = proxyActivities<RunnerActivities>({
  startToCloseTimeout: '30 days',
  heartbeatTimeout: '30 s',
  retry: { maximumAttempts: 1 },
});

/**
 * Creating runners is a local activity: it runs in the worker that holds the workflow task, so a
 * pressure change reaches the cloud without a round trip through the task queue, and it costs one
 * marker event instead of three activity events. Names are chosen by the workflow, so a retry or a
 * replay on another worker creates nothing twice.
 */
export const { createRunners } = proxyLocalActivities<RunnerActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 s', maximumInterval: '10 s', maximumAttempts: 3 },
});

/**
 * Cleanup and soft delete list and walk the fleet: ordinary activities, retried a few times per tick.
 * They heartbeat (activities/heartbeat.ts): one taken by a worker that then dies is retried elsewhere
 * after 30 s, not after the 5 minutes a long walk of a large fleet may need.
 */
export const { cleanupRunners, deleteIdleRunners, deleteBusyRunners } = proxyActivities<RunnerActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 s',
  retry: { initialInterval: '2 s', maximumInterval: '30 s', maximumAttempts: 5 },
});

/** Reactive mode's look at a job: one GitHub GET, retried briefly; a consumer that still fails gives its job back. */
export const { checkJob } = proxyActivities<RunnerActivities>({
  startToCloseTimeout: '30 s',
  retry: { initialInterval: '1 s', maximumInterval: '10 s', maximumAttempts: 4 },
});
