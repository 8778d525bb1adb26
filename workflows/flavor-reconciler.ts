/**
 * One long-lived workflow per flavor. A pressure-stream activity feeds the planner's desired count in
 * by signal (or, in reactive mode, job consumers serve a queue of jobs); a durable timer drives the
 * cleanup ticks; one loop performs every create, cleanup, flush and delete in turn, so two operations
 * on one flavor never overlap, with no lock anywhere.
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
import { PlannerFailure, type RunnerInfo } from '../activities/interfaces';
import {
  cleanupRunners,
  createRunners,
  deleteBusyRunners,
  deleteIdleRunners,
  streamPressure,
} from './activity-proxies';
import { ConsumerPool } from './consumers';
import { checkFallbackRunners, checkPressure, idleOldestFirst, planConverge, reconnectDelaySeconds } from './decisions';
import {
  applySettingsUpdate,
  flushUpdate,
  jobSignal,
  pressureSignal,
  setFallbackRunnersSignal,
  setFallbackRunnersUpdate,
  stateQuery,
} from './definitions';
import { describeFailure, failureType, heartbeatLost } from './failures';
import { checkJobMessage, reconcileReactive } from './reactive';
import { ReconcilerState } from './reconciler-state';
import { changedSettings, checkNewSettings, InvalidSettingsError, resolveSettings } from './settings';
import type { CleanupReport, FlavorReconcilerInput, FlavorSettings, FlushReport } from './types';

export async function flavorReconciler(input: FlavorReconcilerInput): Promise<void> {
  const state = new ReconcilerState(settingsOrFail(input), input.carried);
  const { settings } = state;
  const now = () => new Date().toISOString();
  const consumers = new ConsumerPool({
    settings,
    queue: state.jobQueue,
    takeRunnerName: () => state.takeRunnerNames(1)[0],
    requestRunner,
  });

  setHandler(stateQuery, () => state.snapshot(consumers.size));
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
      return state.snapshot(consumers.size);
    },
    {
      validator: (value) => {
        const checked = checkFallbackRunners(value, settings.maxRunners);
        if (!checked.ok) throw new Error(checked.reason);
      },
    },
  );
  // New settings take effect in a new run (continue-as-new), so no step ever sees two sets of settings.
  setHandler(
    applySettingsUpdate,
    (next) => {
      const resolved = checkNewSettings(settings, next);
      const changed = changedSettings(state.pendingSettings?.resolved ?? settings, resolved);
      if (changed.length > 0) state.pendingSettings = { input: next, resolved };
      return { changed };
    },
    { validator: (next) => validateNewSettings(settings, next, state.stopping) },
  );
  setHandler(flushUpdate, async (request) => {
    const ticket = state.flushesDone + state.flushRequests.push({ busy: request?.busy === true });
    await condition(() => state.flushesDone >= ticket);
    return state.carried.lastFlush!;
  });
  setHandler(jobSignal, (message) => {
    if (settings.mode !== 'reactive') return rejectInput('job', `flavor ${settings.flavor} is not in reactive mode`);
    if (state.stopping) return rejectInput('job', `flavor ${settings.flavor} is stopping`);
    const checked = checkJobMessage(message);
    if (!checked.ok) return rejectInput('job', checked.reason);
    state.jobQueue.add(checked.value);
  });

  function rejectInput(handler: string, reason: string): void {
    log.warn('rejected input', { flavor: settings.flavor, handler, reason });
    state.reject(handler, reason, now());
  }

  if (settings.mode === 'reactive') consumers.start(state.carried.consumers ?? 0);
  const streamScope = new CancellationScope();
  if (settings.mode === 'planner') void streamScope.run(followPressureStream).catch(ignoreCancellation);
  void followCleanupTimer().catch(ignoreCancellation);

  try {
    while (!continueAsNewDue() && !state.pendingSettings) {
      await condition(() => state.hasWork() || continueAsNewDue() || state.pendingSettings !== undefined);
      if (state.flushRequests.length > 0) await flushStep(state.takeFlushRequests());
      else if (state.runnerRequests.length > 0) await createForJobs();
      else if (state.needsCreate() > 0) await createStep(state.takeRunnerNames(state.needsCreate()));
      else if (state.cleanupDue) await cleanupTick();
    }
    while (state.flushRequests.length > 0) await flushStep(state.takeFlushRequests());
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(drain);
    throw err;
  }

  streamScope.cancel();
  state.carried.consumers = consumers.size;
  consumers.stopAll();
  await condition(allHandlersFinished);
  const next = state.pendingSettings;
  await continueAsNew<typeof flavorReconciler>({
    settings: next?.input ?? input.settings,
    carried: next ? state.carriedForNewSettings(next.resolved) : state.carried,
  });

  /** Creates these runners; answers the names whose VM exists now. */
  async function createStep(names: string[]): Promise<string[]> {
    state.operation = 'create';
    try {
      const result = await createRunners({ spec: settings, names });
      state.recordCreate(result);
      return result.created;
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn('create failed', { flavor: settings.flavor, count: names.length, error: describeFailure(err) });
      state.recordCreate({ created: [], failed: names.map((name) => ({ name, reason: describeFailure(err) })) });
      return [];
    } finally {
      state.operation = undefined;
    }
  }

  /** Reactive mode: consumers ask for their runners here, so creates stay in the one loop. */
  async function requestRunner(name: string): Promise<boolean> {
    // A killed consumer's request may have been served after it left: its answer is this one's.
    if (!state.runnerResults.has(name)) state.runnerRequests.push(name);
    await condition(() => state.runnerResults.has(name));
    const created = state.runnerResults.get(name)!;
    state.runnerResults.delete(name);
    return created;
  }

  async function createForJobs(): Promise<void> {
    const names = state.runnerRequests.splice(0);
    const created = await createStep(names);
    for (const name of names) state.runnerResults.set(name, created.includes(name));
  }

  /** Remove stale runners, recount from the list, unpause, then converge (or reconcile consumers). */
  async function cleanupTick(): Promise<void> {
    state.operation = 'cleanup';
    try {
      const { removed, runners } = await cleanupAndRecount();
      const step = settings.mode === 'reactive' ? await reconcileConsumers(runners) : await converge(runners);
      state.recordCleanup({ at: now(), removed, ...step, runners: state.carried.currentRunners });
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn('cleanup tick failed', { flavor: settings.flavor, error: describeFailure(err) });
      state.recordCleanupFailure(describeFailure(err), now());
    } finally {
      state.operation = undefined;
      state.cleanupDue = false;
    }
  }

  /** One cleanup pass (stale runners removed) and the count set from its fresh list. */
  async function cleanupAndRecount() {
    const result = await cleanupRunners({
      spec: settings,
      bootTimeoutSeconds: settings.bootTimeoutSeconds,
      desired: state.desired(),
    });
    state.recordFleet(result.runners, result.removed);
    return result;
  }

  type TickStep = Pick<CleanupReport, 'created' | 'deleted' | 'keptBusy' | 'reactive'>;

  async function converge(runners: RunnerInfo[]): Promise<TickStep> {
    const plan = planConverge(state.desired(), runners);
    if (plan.action === 'create') {
      const created = await createStep(state.takeRunnerNames(plan.count));
      return { created: created.length, deleted: [], keptBusy: [] };
    }
    if (plan.action === 'delete') return { created: 0, ...(await softDelete(plan.candidates, plan.count)) };
    return { created: 0, deleted: [], keptBusy: [] };
  }

  /** Reactive mode: runners + consumers == maxRunners, idle runners flushed while the queue is empty. */
  async function reconcileConsumers(runners: RunnerInfo[]): Promise<TickStep> {
    const idle = idleOldestFirst(runners);
    const plan = reconcileReactive({
      runners: runners.length,
      idleRunners: idle.length,
      consumers: consumers.size,
      quantity: settings.maxRunners,
      queuedJobs: state.jobQueue.size,
    });
    const { deleted, keptBusy } = await softDelete(idle, plan.removeIdleRunners);
    if (plan.processesDiff > 0) consumers.start(plan.processesDiff);
    else consumers.stop(-plan.processesDiff);
    const metricStats = { ...plan.metricStats, runnersRemoved: deleted.length };
    return { created: 0, deleted, keptBusy, reactive: { processesDiff: plan.processesDiff, metricStats } };
  }

  async function softDelete(candidates: RunnerInfo[], count: number) {
    if (count === 0) return { deleted: [], keptBusy: [] };
    state.operation = 'delete';
    const result = await deleteIdleRunners({ spec: settings, candidates, count });
    state.carried.currentRunners -= result.deleted.length;
    return result;
  }

  /**
   * Removes every idle runner now (with `busy`, every runner) from a fresh list; answers how many are
   * left. In planner and static mode the create path then refills to desired with new runners.
   */
  async function flushStep(request: { busy: boolean; served: number }): Promise<number | undefined> {
    state.operation = 'delete';
    let report: FlushReport;
    try {
      const { runners } = await cleanupAndRecount();
      const idle = idleOldestFirst(runners);
      const soft = await deleteIdleRunners({ spec: settings, candidates: idle, count: idle.length });
      let deleted = soft.deleted;
      if (request.busy) {
        const rest = runners.filter((runner) => !deleted.includes(runner.name));
        deleted = [...deleted, ...(await deleteBusyRunners({ spec: settings, candidates: rest })).deleted];
      }
      state.carried.currentRunners = runners.length - deleted.length;
      const keptBusy = runners
        .filter((runner) => !deleted.includes(runner.name))
        .filter((runner) => runner.state === 'busy' || soft.keptBusy.includes(runner.name))
        .map((runner) => runner.name);
      report = { at: now(), busy: request.busy, deleted, keptBusy };
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn('flush failed', { flavor: settings.flavor, error: describeFailure(err) });
      report = { at: now(), busy: request.busy, deleted: [], keptBusy: [], error: describeFailure(err) };
    } finally {
      state.operation = undefined;
    }
    state.recordFlush(report, request.served);
    return report.error ? undefined : state.carried.currentRunners;
  }

  /**
   * The workflow was cancelled (`stop`): no more creates or consumers; idle runners go at once and busy
   * ones when their jobs end, one flush per cleanup interval, so the stop leaks no VM. Then it ends.
   */
  async function drain(): Promise<void> {
    state.stopping = true;
    consumers.stopAll();
    log.info('stopping: draining runners', { flavor: settings.flavor });
    for (;;) {
      // Flushes asked for meanwhile are served by the drain's own flush (with busy if one asked for it).
      const left = await flushStep(state.takeFlushRequests());
      if (left === 0) return;
      // An operator's flush (say `flush --busy` to end the stop now) does not wait for the interval.
      await condition(() => state.flushRequests.length > 0, settings.cleanupIntervalSeconds * 1000);
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
        // Its worker crashed (heartbeats stopped): not a planner outage either. Same handover, no fallback.
        if (heartbeatLost(err)) {
          state.recordStreamHandover('the stream worker stopped heartbeating', now());
          continue;
        }
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

function validateNewSettings(current: FlavorSettings, next: unknown, stopping: boolean): void {
  if (stopping) throw new Error(`flavor ${current.flavor} is stopping`);
  try {
    checkNewSettings(current, next);
  } catch (err) {
    if (err instanceof InvalidSettingsError) throw new Error(`invalid flavor settings: ${err.message}`);
    throw err;
  }
}

function ignoreCancellation(err: unknown): void {
  if (!isCancellation(err)) throw err;
}
