/**
 * The story of one flavor. A pressure-stream activity feeds the planner's desired count in by signal
 * (or, in reactive mode, job consumers serve a queue of jobs); a durable timer drives the cleanup
 * ticks, another the schedule windows; one main loop performs every create, cleanup, flush and delete in turn, so two operations on
 * one flavor never overlap, with no lock anywhere. After enough history, or with new settings, the run
 * continues as new with its state carried over.
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  workflowInfo,
} from '@temporalio/workflow';
import type { FlavorReconcilerInput, FlavorWorkflow } from '../contracts/flavor-workflow';
import type { FlavorSettings } from '../contracts/settings';
import { cleanupTick } from './cleanup-tick';
import { followCleanupTimer } from './cleanup-timer';
import { ConsumerPool } from './consumers';
import { createForJobs, createStep, runnerRequester } from './create-step';
import { drain } from './drain';
import type { FlavorRun } from './flavor-run';
import { flavorEnded, flavorGauges } from './flavor-metrics';
import { flushStep } from './flush-step';
import { registerHandlers } from './handlers';
import { ReconcilerState } from './reconciler-state';
import { followSchedules } from './schedule-follower';
import { settingsOrFail } from './settings-guard';
import { followPressureStream } from './stream-follower';

export const flavorReconciler: FlavorWorkflow = async function flavorReconciler(input: FlavorReconcilerInput) {
  // Inputs: the settings, checked before anything happens, and the state an earlier run carried over.
  const settings = settingsOrFail(input);
  const state = new ReconcilerState(settings, input.carried);
  const consumers = new ConsumerPool({
    settings,
    queue: state.jobQueue,
    takeRunnerName: () => state.takeRunnerNames(1)[0],
    requestRunner: runnerRequester(state),
  });
  const run: FlavorRun = { settings, state, consumers };
  const gauges = flavorGauges(settings.flavor, () => state.gauges());

  // Handlers first, so that no signal, query or update of the first task is missed.
  registerHandlers(run);

  // The loops beside the main loop: job consumers (reactive), the pressure stream (planner), the timer,
  // and the schedule follower (only with schedules: runs without them issue the commands they always did).
  if (settings.mode === 'reactive') consumers.start(state.carriedConsumers());
  const stream = new CancellationScope();
  if (settings.mode === 'planner') void stream.run(() => followPressureStream(run)).catch(ignoreCancellation);
  void followCleanupTimer(run).catch(ignoreCancellation);
  if (settings.schedules.length > 0) void followSchedules(run).catch(ignoreCancellation);

  // The main loop: one step at a time, flushes first, then consumers' runners, creates, cleanup ticks.
  const nextRunDue = () => continueAsNewDue(settings) || state.pendingSettings() !== undefined;
  try {
    while (!nextRunDue()) {
      await condition(() => state.hasWork() || gauges.changed() || nextRunDue());
      gauges.send();
      if (state.hasFlushRequests()) await flushStep(run, state.takeFlushRequests());
      else if (state.hasRunnerRequests()) await createForJobs(run);
      else if (state.needsCreate() > 0) await createStep(run, state.takeRunnerNames(state.needsCreate()));
      else if (state.isCleanupDue()) await cleanupTick(run);
    }
    while (state.hasFlushRequests()) await flushStep(run, state.takeFlushRequests());
  } catch (err) {
    // Cancelled (`stop`): drain the runners, then end as cancelled.
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(async () => {
      await drain(run);
      // A flush served by the drain's last step answers its caller before the run ends.
      await condition(allHandlersFinished);
    });
    flavorEnded(settings.flavor);
    throw err;
  }

  // Continue-as-new: stop the loops, let handlers finish, and start the next run with the state.
  stream.cancel();
  const consumersRunning = consumers.size;
  consumers.stopAll();
  await condition(allHandlersFinished);
  const carried = state.takeCarriedForNextRun(consumersRunning);
  await continueAsNew<FlavorWorkflow>({ settings: state.pendingSettings()?.input ?? input.settings, carried });
};

function continueAsNewDue(settings: FlavorSettings): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= settings.continueAsNewAfterEvents;
}

function ignoreCancellation(err: unknown): void {
  if (!isCancellation(err)) throw err;
}
