/**
 * The cleanup tick: remove stale runners, recount from one fresh list, unpause creation, then converge
 * to desired (or, in reactive mode, reconcile the consumers). What is stale is policy's decision
 * (policy/cleanup.ts, inside the activity); what to create or delete is too (policy/converge.ts).
 */
import { isCancellation, log } from '@temporalio/workflow';
import type { RunnerInfo } from '../contracts/activities';
import type { CleanupReport } from '../contracts/state';
import { idleOldestFirst, planConverge } from '../policy/converge';
import { reconcileReactive } from '../policy/reactive';
import { cleanupRunners, deleteIdleRunners } from './activity-proxies';
import { createStep } from './create-step';
import { describeFailure } from './failures';
import { now, type FlavorRun } from './flavor-run';
import { removableIdle, unconfirmedIdle } from './removable-idle';
import { runnersBooted } from './flavor-metrics';

type TickStep = Pick<CleanupReport, 'created' | 'deleted' | 'keptBusy' | 'reactive' | 'failed' | 'unconfirmedIdle'>;

export async function cleanupTick(run: FlavorRun): Promise<void> {
  const { settings, state } = run;
  state.recordOperation('cleanup');
  try {
    const { removed, runners, failed = [] } = await cleanupAndRecount(run, state.runnerListMaxAgeSeconds());
    const step = settings.mode === 'reactive' ? await reconcileConsumers(run, runners) : await converge(run, runners);
    const failures = [...failed, ...(step.failed ?? [])];
    const report = { at: now(), removed, ...step, failed: failures.length > 0 ? failures : undefined };
    state.recordCleanup({ ...report, runners: state.currentRunners() });
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.warn('cleanup tick failed', { flavor: settings.flavor, error: describeFailure(err) });
    state.recordCleanupFailure(describeFailure(err), now());
  } finally {
    state.recordOperation(undefined);
    state.recordCleanupTickEnded();
  }
}

/**
 * One cleanup pass (stale runners removed) and the count set from its list: the flavor's own VM list and
 * a GitHub runner list at most `runnerListMaxAgeSeconds` old (absent: begun after the call).
 */
export async function cleanupAndRecount({ settings, state }: FlavorRun, runnerListMaxAgeSeconds?: number) {
  const { bootTimeoutSeconds } = settings;
  const result = await cleanupRunners({ spec: settings, bootTimeoutSeconds, runnerListMaxAgeSeconds });
  // Idle sightings date from the GitHub list that saw them (older results carry none: the tick's time).
  state.recordFleet(result.runners, result.removed, result.listedAt ?? now());
  runnersBooted(settings.flavor, state.recordBoots(result.runners, now()));
  return result;
}

async function converge(run: FlavorRun, runners: RunnerInfo[]): Promise<TickStep> {
  const removable = removableIdle(run, runners);
  const plan = planConverge(run.state.desired(), runners, removable);
  if (plan.action === 'create') {
    const created = await createStep(run, run.state.takeRunnerNames(plan.count));
    return { created: created.length, deleted: [], keptBusy: [] };
  }
  const unconfirmed = unconfirmedIdle(runners, removable);
  if (plan.action === 'delete') {
    return { created: 0, ...(await softDelete(run, plan.candidates, plan.count)), unconfirmedIdle: unconfirmed };
  }
  return { created: 0, deleted: [], keptBusy: [], unconfirmedIdle: unconfirmed };
}

/** Reactive mode: runners + consumers == maxRunners, idle runners flushed while the queue is empty. */
async function reconcileConsumers(run: FlavorRun, runners: RunnerInfo[]): Promise<TickStep> {
  const { settings, state, consumers } = run;
  const idle = idleOldestFirst(removableIdle(run, runners));
  const plan = reconcileReactive({
    runners: runners.length,
    idleRunners: idle.length,
    consumers: consumers.size,
    quantity: settings.maxRunners,
    queuedJobs: state.jobQueue.size,
  });
  const { deleted, keptBusy } = await softDelete(run, idle, plan.removeIdleRunners);
  if (plan.processesDiff > 0) consumers.start(plan.processesDiff);
  else consumers.stop(-plan.processesDiff);
  const metricStats = { ...plan.metricStats, runnersRemoved: deleted.length };
  return { created: 0, deleted, keptBusy, reactive: { processesDiff: plan.processesDiff, metricStats } };
}

/** Soft delete: idle runners only, GitHub side first; one that took a job meanwhile is kept. */
async function softDelete({ settings, state }: FlavorRun, candidates: RunnerInfo[], count: number) {
  if (count === 0) return { deleted: [], keptBusy: [] };
  state.recordOperation('delete');
  const result = await deleteIdleRunners({ spec: settings, candidates, count });
  state.recordSoftDelete(result.deleted);
  return result;
}
