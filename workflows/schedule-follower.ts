/**
 * Scheduled warm capacity: look at the flavor's schedules now, and again at each window's opening or
 * closing, on a durable timer from workflow time. A worker down when a window changes loses nothing: the
 * timer fires on the server, and the next worker looks at the schedules at its own (later) workflow time.
 * The main loop wakes on the desired count this changes; cleanup ticks converge down once a window closes.
 *
 * Started only for a flavor with schedules: runs without any issue no new command, so their histories
 * (and the committed ones) replay as before. A run cannot be given schedules while it runs: new settings
 * start a new run (continue-as-new).
 */
import { log, sleep } from '@temporalio/workflow';
import type { FlavorRun } from './flavor-run';

export async function followSchedules({ settings, state }: FlavorRun): Promise<void> {
  for (;;) {
    const { inForce, minRunners, maxRunners, nextChangeAt } = state.recordScheduleAt(Date.now());
    const windows = inForce.map((window) => window.name);
    log.info('schedule looked at', { flavor: settings.flavor, windows, minRunners, maxRunners, nextChangeAt });
    if (nextChangeAt === undefined) return;
    // The timer cannot fire early (server time), so the next look sees the change; 1 ms keeps it a timer.
    await sleep(Math.max(Date.parse(nextChangeAt) - Date.now(), 1));
  }
}
