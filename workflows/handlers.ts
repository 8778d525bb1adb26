/**
 * The flavor workflow's signals, query and updates (defined in contracts/definitions.ts). Handlers only
 * record what was asked; the main loop acts on it. A bad input is ignored, logged and shown in the
 * state (`lastRejected`); it never fails the workflow.
 */
import { CancellationScope, condition, log, setHandler } from '@temporalio/workflow';
import {
  applySettingsUpdate,
  flushUpdate,
  jobSignal,
  pressureSignal,
  setFallbackRunnersSignal,
  setFallbackRunnersUpdate,
  stateQuery,
} from '../contracts/definitions';
import { changedSettings, checkNewSettings } from '../contracts/settings';
import { checkFallbackRunners, checkJobMessage, checkPressure } from '../policy/input-checks';
import { now, type FlavorRun } from './flavor-run';
import { validateNewSettings } from './settings-guard';

export function registerHandlers({ settings, state, consumers }: FlavorRun): void {
  const reject = (handler: string, reason: string): void => {
    log.warn('rejected input', { flavor: settings.flavor, handler, reason });
    state.recordRejected(handler, reason, now());
  };

  setHandler(stateQuery, () => state.snapshot(consumers.size));

  setHandler(pressureSignal, (signal) => {
    const pressure = checkPressure(signal?.pressure);
    if (!pressure.ok) return reject('pressure', pressure.reason);
    // The stream activity's note of when its token was read: shown as given, when it is a short string.
    const tokenReadAt = typeof signal.tokenReadAt === 'string' ? signal.tokenReadAt.slice(0, 40) : undefined;
    state.recordPressure(signal.streamId, pressure.value, now(), tokenReadAt);
  });

  setHandler(setFallbackRunnersSignal, (value) => {
    const checked = checkFallbackRunners(value, settings.maxRunners);
    if (!checked.ok) return reject('setFallbackRunners', checked.reason);
    state.recordFallbackRunners(checked.value);
  });

  setHandler(
    setFallbackRunnersUpdate,
    (value) => {
      state.recordFallbackRunners(value as number);
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
      const changed = changedSettings(state.settingsOfNextRun(), resolved);
      if (changed.length > 0) state.recordPendingSettings(next, resolved);
      return { changed };
    },
    { validator: (next) => validateNewSettings(settings, next, state.isStopping()) },
  );

  setHandler(flushUpdate, async (request) => {
    const ticket = state.recordFlushRequest({ busy: request?.busy === true });
    // Not cancellable: during a stop (the root scope cancelled) the drain serves this flush too.
    await CancellationScope.nonCancellable(() => condition(() => state.isFlushServed(ticket)));
    return state.lastFlush()!;
  });

  setHandler(jobSignal, (message) => {
    if (settings.mode !== 'reactive') return reject('job', `flavor ${settings.flavor} is not in reactive mode`);
    if (state.isStopping()) return reject('job', `flavor ${settings.flavor} is stopping`);
    const checked = checkJobMessage(message);
    if (!checked.ok) return reject('job', checked.reason);
    state.jobQueue.add(checked.value);
  });
}
