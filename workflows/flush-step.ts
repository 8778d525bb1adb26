/**
 * `flush`: remove every idle runner now (with `busy`, every runner) from a fresh list. In planner and
 * static mode the create path then refills to desired with new runners.
 */
import { isCancellation, log } from '@temporalio/workflow';
import type { FlushReport } from '../contracts/state';
import { idleOldestFirst } from '../policy/converge';
import { deleteBusyRunners, deleteIdleRunners } from './activity-proxies';
import { cleanupAndRecount } from './cleanup-tick';
import { describeFailure } from './failures';
import { now, type FlavorRun } from './flavor-run';
import { removableIdle } from './removable-idle';
import type { MergedFlush } from './reconciler-state';

/** Serves these merged flush requests; answers how many runners are left, undefined when it failed. */
export async function flushStep(run: FlavorRun, request: MergedFlush): Promise<number | undefined> {
  const { settings, state } = run;
  state.recordOperation('delete');
  let report: FlushReport;
  let remaining: number | undefined;
  try {
    const { runners } = await cleanupAndRecount(run);
    // --busy takes every runner anyway; without it, only idle runners whose idleness is confirmed.
    const idle = idleOldestFirst(
      request.busy ? runners.filter((r) => r.state === 'idle') : removableIdle(run, runners),
    );
    const soft = await deleteIdleRunners({ spec: settings, candidates: idle, count: idle.length });
    let deleted = soft.deleted;
    const failed = [...(soft.failed ?? [])];
    if (request.busy) {
      const rest = runners.filter((runner) => !deleted.includes(runner.name));
      const hard = await deleteBusyRunners({ spec: settings, candidates: rest });
      deleted = [...deleted, ...hard.deleted];
      failed.push(...(hard.failed ?? []));
    }
    remaining = runners.length - deleted.length;
    const keptBusy = runners
      .filter((runner) => !deleted.includes(runner.name))
      .filter((runner) => runner.state === 'busy' || soft.keptBusy.includes(runner.name))
      .map((runner) => runner.name);
    report = { at: now(), busy: request.busy, deleted, keptBusy, ...(failed.length > 0 && { failed }) };
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.warn('flush failed', { flavor: settings.flavor, error: describeFailure(err) });
    report = { at: now(), busy: request.busy, deleted: [], keptBusy: [], error: describeFailure(err) };
  } finally {
    state.recordOperation(undefined);
  }
  state.recordFlush(report, request.served, remaining);
  return remaining;
}
