/** Every wait that grows with failures, in one place. Pure (table tests in backoff.test.ts). */

/** Why the stream ended, as far as reconnecting is concerned. */
export type StreamFailureKind = 'transient' | 'permanent';

/**
 * Reconnect delay after `failuresInARow` (≥ 1) failures without a value in between: doubles from the
 * initial delay up to the cap. A permanent failure (bad token, unknown flavor) waits the cap at once:
 * retrying it sooner cannot help and would hot-loop against the planner.
 */
export function reconnectDelaySeconds(
  failuresInARow: number,
  kind: StreamFailureKind,
  initialSeconds: number,
  maxSeconds: number,
): number {
  if (kind === 'permanent') return maxSeconds;
  return doubling(failuresInARow, initialSeconds, maxSeconds);
}

/** Reactive mode: delay before attempt `attempt + 1` after `attempt` runners went unpicked. */
export function jobRetryDelaySeconds(attempt: number, initialSeconds: number, maxSeconds: number): number {
  return doubling(attempt, initialSeconds, maxSeconds);
}

/** Reactive mode: how often a consumer asks GitHub whether its job was picked up: five looks per window. */
export function pickupCheckSeconds(windowSeconds: number): number {
  return Math.max(windowSeconds / 5, 1);
}

/** initial × 2^(n − 1), capped; n below 1 counts as 1. */
function doubling(n: number, initialSeconds: number, maxSeconds: number): number {
  return Math.min(initialSeconds * 2 ** Math.min(Math.max(n - 1, 0), 30), maxSeconds);
}
