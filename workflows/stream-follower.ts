/**
 * Planner mode's stream follower: keep one pressure-stream activity running beside the main loop. On a
 * failure, desired falls back and the stream reconnects with backoff (at the cap for permanent errors);
 * a handover (its worker shut down or died) reconnects at once and keeps the last pressure.
 */
import { CancellationScope, log, sleep } from '@temporalio/workflow';
import { PlannerFailure } from '../contracts/activities';
import { reconnectDelaySeconds } from '../policy/backoff';
import { streamPressure } from './activity-proxies';
import { describeFailure, failureType, heartbeatLost } from './failures';
import { now, type FlavorRun } from './flavor-run';

export async function followPressureStream({ settings, state }: FlavorRun): Promise<void> {
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
    state.recordReconnectDelay(delay);
    log.warn('pressure stream down, fallback in force', { flavor: settings.flavor, error, retryInSeconds: delay });
    await sleep(delay * 1000);
  }
}
