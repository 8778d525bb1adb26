/**
 * The workflow was cancelled (`stop`): no more creates or consumers; idle runners go at once and busy
 * ones when their jobs end, one flush per cleanup interval, so the stop leaks no VM. Then it ends.
 */
import { condition, log, patched } from '@temporalio/workflow';
import type { FlavorRun } from './flavor-run';
import { flushStep } from './flush-step';

/** Marks runs whose drain serves the flushes asked for during its last step (older runs ended without). */
const LATE_FLUSHES = 'drain-serves-late-flushes';

export async function drain(run: FlavorRun): Promise<void> {
  const { settings, state, consumers } = run;
  state.recordStopping();
  consumers.stopAll();
  log.info('stopping: draining runners', { flavor: settings.flavor });
  for (;;) {
    // Flushes asked for meanwhile are served by the drain's own flush (with busy if one asked for it).
    const left = await flushStep(run, state.takeFlushRequests());
    // A flush asked for while that step ran is served by one more: its caller waits for an answer, and
    // the run cannot end before the handler does (soak seed 42 hung a stop so, its step slowed by a
    // killed worker). Only then is the patch asked, so runs without such a flush replay as before.
    if (left === 0 && !(state.hasFlushRequests() && patched(LATE_FLUSHES))) return;
    if (left === 0) continue;
    // An operator's flush (say `flush --busy` to end the stop now) does not wait for the interval.
    await condition(() => state.hasFlushRequests(), settings.cleanupIntervalSeconds * 1000);
  }
}
