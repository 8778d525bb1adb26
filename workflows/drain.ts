/**
 * The workflow was cancelled (`stop`): no more creates or consumers; idle runners go at once and busy
 * ones when their jobs end, one flush per cleanup interval, so the stop leaks no VM. Then it ends.
 */
import { condition, log } from '@temporalio/workflow';
import type { FlavorRun } from './flavor-run';
import { flushStep } from './flush-step';

export async function drain(run: FlavorRun): Promise<void> {
  const { settings, state, consumers } = run;
  state.recordStopping();
  consumers.stopAll();
  log.info('stopping: draining runners', { flavor: settings.flavor });
  for (;;) {
    // Flushes asked for meanwhile are served by the drain's own flush (with busy if one asked for it).
    const left = await flushStep(run, state.takeFlushRequests());
    if (left === 0) return;
    // An operator's flush (say `flush --busy` to end the stop now) does not wait for the interval.
    await condition(() => state.hasFlushRequests(), settings.cleanupIntervalSeconds * 1000);
  }
}
