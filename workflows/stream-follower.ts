/**
 * Planner mode's stream follower: keep one pressure-stream activity running beside the main loop. A
 * failed connect starts an outage: the stream reconnects with backoff (at the cap for permanent errors)
 * and, once the outage outlasts `fallbackGraceSeconds`, desired falls back to `fallbackRunners`. A
 * handover (its worker shut down or died) reconnects at once and keeps the last pressure. Silence on an
 * open stream never reaches the workflow: the activity reconnects by itself.
 */
import { CancellationScope, condition, isCancellation, log, patched, sleep } from '@temporalio/workflow';
import { PlannerFailure } from '../contracts/activities';
import { reconnectDelaySeconds } from '../policy/backoff';
import { streamPressure } from './activity-proxies';
import { describeFailure, failureType, heartbeatLost } from './failures';
import { now, type FlavorRun } from './flavor-run';

/**
 * Runs made before the grace existed fell back at the first failure: their histories replay without it.
 * (A patch, not a setting: see the README's "Changing workflow code".)
 */
const FALLBACK_GRACE = 'fallback-grace';

export async function followPressureStream(run: FlavorRun): Promise<void> {
  const { settings, state } = run;
  // An outage carried over continue-as-new goes on waiting out what is left of its grace.
  const carried = state.outage();
  if (carried && patched(FALLBACK_GRACE)) void waitOutGrace(run, carried.since, carried.graceEndsAt);
  for (;;) {
    const streamId = state.recordStreamOpened();
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
      // Cancelled (a stop, or the end of the run before continue-as-new): the stream is over, however its
      // last attempt ended. An attempt that failed on its own after the cancel (a 401 before its first
      // heartbeat heard of it) is no cancellation error: rethrown, it failed every workflow task after it,
      // and the flavor could never stop (soak seed 42, 10 minutes).
      if (CancellationScope.current().consideredCancelled) return;
      // Its worker crashed (heartbeats stopped): not a planner outage either. Same handover, no fallback.
      if (heartbeatLost(err)) {
        state.recordStreamHandover('the stream worker stopped heartbeating', now());
        continue;
      }
      error = describeFailure(err);
      const type = failureType(err);
      permanent = type === PlannerFailure.unauthorized || type === PlannerFailure.flavorNotFound;
    }
    const graceSeconds = patched(FALLBACK_GRACE) ? settings.fallbackGraceSeconds : 0;
    const { failures, outageBegan } = state.recordStreamFailure(error, now(), graceSeconds);
    if (outageBegan && graceSeconds > 0) void waitOutGrace(run, state.outage()!.since, state.outage()!.graceEndsAt);
    const delay = reconnectDelaySeconds(
      failures,
      permanent ? 'permanent' : 'transient',
      settings.streamBackoffInitialSeconds,
      settings.streamBackoffMaxSeconds,
    );
    state.recordReconnectDelay(delay);
    log.warn('pressure stream down', { flavor: settings.flavor, error, retryInSeconds: delay });
    await sleep(delay * 1000);
  }
}

/**
 * The grace of the outage that began at `since`: desired keeps the last pressure until it ends, unless
 * the stream is back first (the outage is then over). A durable timer: a worker outage loses nothing.
 */
async function waitOutGrace({ settings, state }: FlavorRun, since: string, graceEndsAt: string): Promise<void> {
  const graceMs = Math.max(Date.parse(graceEndsAt) - Date.now(), 0);
  try {
    const recovered = await condition(() => state.outage()?.since !== since, graceMs);
    if (recovered) return;
    state.recordGraceOver(since);
    log.warn('planner outage outlasted its grace: fallback in force', { flavor: settings.flavor, since });
  } catch (err) {
    if (!isCancellation(err)) throw err;
  }
}
