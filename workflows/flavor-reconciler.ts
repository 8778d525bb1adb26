/**
 * One long-lived workflow per flavor. A pressure-stream activity feeds the planner's desired count in
 * by signal; a durable timer drives the cleanup ticks; one loop performs every create, cleanup and
 * delete in turn, so two operations on one flavor never overlap, with no lock anywhere.
 */
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { PlannerFailure } from '../activities/interfaces';
import { cleanupRunners, createRunners, deleteIdleRunners, streamPressure } from './activity-proxies';
import { checkFallbackRunners, checkPressure, planConverge, reconnectDelaySeconds } from './decisions';
import { pressureSignal, setFallbackRunnersSignal, setFallbackRunnersUpdate, stateQuery } from './definitions';
import { describeFailure, failureType } from './failures';
import { ReconcilerState } from './reconciler-state';
import { InvalidSettingsError, resolveSettings } from './settings';
import type { FlavorReconcilerInput, FlavorSettings } from './types';

export async function flavorReconciler(input: FlavorReconcilerInput): Promise<void> {
  const state = new ReconcilerState(settingsOrFail(input), input.carried);
  const { settings } = state;
  const now = () => new Date().toISOString();

  setHandler(stateQuery, () => state.snapshot());
  setHandler(pressureSignal, (signal) => {
    const pressure = checkPressure(signal?.pressure);
    if (!pressure.ok) return rejectInput('pressure', pressure.reason);
    state.recordPressure(signal.streamId, pressure.value, now());
  });
  // A bad operator signal is ignored, logged and shown in the state; it never fails the workflow.
  setHandler(setFallbackRunnersSignal, (value) => {
    const checked = checkFallbackRunners(value, settings.maxRunners);
    if (!checked.ok) return rejectInput('setFallbackRunners', checked.reason);
    state.carried.fallbackRunners = checked.value;
  });
  setHandler(
    setFallbackRunnersUpdate,
    (value) => {
      state.carried.fallbackRunners = value as number;
      return state.snapshot();
    },
    {
      validator: (value) => {
        const checked = checkFallbackRunners(value, settings.maxRunners);
        if (!checked.ok) throw new Error(checked.reason);
      },
    },
  );

  function rejectInput(handler: string, reason: string): void {
    log.warn('rejected input', { flavor: settings.flavor, handler, reason });
    state.reject(handler, reason, now());
  }

  const streamScope = new CancellationScope();
  if (settings.mode === 'planner') void streamScope.run(followPressureStream).catch(ignoreCancellation);
  void followCleanupTimer();

  while (!continueAsNewDue()) {
    await condition(() => state.needsCreate() > 0 || state.cleanupDue || continueAsNewDue());
    if (state.needsCreate() > 0) await createStep(state.needsCreate());
    else if (state.cleanupDue) await cleanupTick();
  }

  streamScope.cancel();
  await condition(allHandlersFinished);
  await continueAsNew<typeof flavorReconciler>({ settings: input.settings, carried: state.carried });

  async function createStep(count: number): Promise<number> {
    state.operation = 'create';
    const names = state.takeRunnerNames(count);
    try {
      const result = await createRunners({ spec: settings, names });
      state.recordCreate(result);
      return result.created.length;
    } catch (err) {
      log.warn('create failed', { flavor: settings.flavor, count, error: describeFailure(err) });
      state.recordCreate({ created: [], failed: names.map((name) => ({ name, reason: describeFailure(err) })) });
      return 0;
    } finally {
      state.operation = undefined;
    }
  }

  /** Remove stale runners, recount from the list, unpause, then converge to the last known desired count. */
  async function cleanupTick(): Promise<void> {
    state.operation = 'cleanup';
    try {
      const { removed, runners } = await cleanupRunners({
        spec: settings,
        bootTimeoutSeconds: settings.bootTimeoutSeconds,
      });
      state.recordFleet(runners, removed);
      const plan = planConverge(state.desired(), runners);
      let created = 0;
      let deleted: string[] = [];
      let keptBusy: string[] = [];
      if (plan.action === 'create') created = await createStep(plan.count);
      if (plan.action === 'delete') {
        state.operation = 'delete';
        ({ deleted, keptBusy } = await deleteIdleRunners({
          spec: settings,
          candidates: plan.candidates,
          count: plan.count,
        }));
        state.carried.currentRunners -= deleted.length;
      }
      state.recordCleanup({ at: now(), removed, created, deleted, keptBusy, runners: state.carried.currentRunners });
    } catch (err) {
      log.warn('cleanup tick failed', { flavor: settings.flavor, error: describeFailure(err) });
      state.recordCleanupFailure(describeFailure(err), now());
    } finally {
      state.operation = undefined;
      state.cleanupDue = false;
    }
  }

  /** The durable cleanup timer: the next interval starts when the previous tick has run. */
  async function followCleanupTimer(): Promise<void> {
    for (;;) {
      await condition(() => !state.cleanupDue);
      await sleep(settings.cleanupIntervalSeconds * 1000);
      state.cleanupDue = true;
    }
  }

  /** Keep one stream open; on failure fall back and reconnect with backoff, at the cap for permanent errors. */
  async function followPressureStream(): Promise<void> {
    for (;;) {
      const streamId = state.openStream();
      let error = 'stream ended';
      let permanent = false;
      try {
        await streamPressure({
          plannerFlavor: settings.plannerFlavor,
          streamId,
          stallTimeoutSeconds: settings.streamStallTimeoutSeconds,
        });
        // Its worker shut down: a handover, not an outage. Keep the last pressure, reconnect at once.
        state.recordStreamHandover('the stream worker shut down', now());
        continue;
      } catch (err) {
        if (CancellationScope.current().consideredCancelled) throw err;
        error = describeFailure(err);
        const type = failureType(err);
        permanent = type === PlannerFailure.unauthorized || type === PlannerFailure.flavorNotFound;
      }
      const failures = state.recordStreamFailure(error, now());
      const delay = reconnectDelaySeconds(
        failures,
        permanent ? 'permanent' : 'transient',
        settings.streamBackoffInitialSeconds,
        settings.streamBackoffMaxSeconds,
      );
      state.carried.stream.retryInSeconds = delay;
      log.warn('pressure stream down, fallback in force', { flavor: settings.flavor, error, retryInSeconds: delay });
      await sleep(delay * 1000);
    }
  }

  function continueAsNewDue(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= settings.continueAsNewAfterEvents;
  }
}

function settingsOrFail(input: FlavorReconcilerInput): FlavorSettings {
  try {
    return resolveSettings(input?.settings ?? {});
  } catch (err) {
    if (err instanceof InvalidSettingsError) {
      throw ApplicationFailure.nonRetryable(`invalid flavor settings: ${err.message}`, 'InvalidSettings');
    }
    throw err;
  }
}

function ignoreCancellation(err: unknown): void {
  if (!isCancellation(err)) throw err;
}
