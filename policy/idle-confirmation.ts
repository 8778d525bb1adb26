/**
 * Never kill a job that has just started. GitHub's `busy` flag lags: peers measured it reading false
 * 25–60 s into a job (once 12 minutes in), and one of them killed running jobs until it added an
 * idle-confirmation window. So an idle runner is removed (scale-down, reactive reconcile, flush without
 * --busy, drain) only when it was seen idle in two fleet lists at least `idleConfirmSeconds` apart, with no
 * busy sighting between, and is older than `minRunnerAgeSeconds`. Pure (table tests beside it).
 */
import type { RunnerInfo } from '../contracts/activities';

/** Per runner name, when an unbroken run of idle sightings began (ISO); carried across runs. */
export type IdleSightings = Record<string, string>;

/**
 * The sightings after a list taken at `listedAt`: a runner idle now keeps the start of its run of idle
 * sightings (or starts one); any other runner, busy or booting or missing from the list, loses its own.
 */
export function recordIdleSightings(previous: IdleSightings, runners: RunnerInfo[], listedAt: string): IdleSightings {
  const next: IdleSightings = {};
  for (const runner of runners) {
    if (runner.state === 'idle') next[runner.name] = previous[runner.name] ?? listedAt;
  }
  return next;
}

export interface ConfirmationRule {
  idleConfirmSeconds: number;
  minRunnerAgeSeconds: number;
}

/** The runners of this list that may be removed as idle: idle now, confirmed, and old enough. */
export function confirmedIdle(
  runners: RunnerInfo[],
  sightings: IdleSightings,
  listedAt: string,
  { idleConfirmSeconds, minRunnerAgeSeconds }: ConfirmationRule,
): RunnerInfo[] {
  const now = Date.parse(listedAt);
  const atLeast = (since: string | undefined, seconds: number) =>
    since !== undefined && now - Date.parse(since) >= seconds * 1000;
  return runners.filter(
    (runner) =>
      runner.state === 'idle' &&
      atLeast(sightings[runner.name], idleConfirmSeconds) &&
      // A runner without a creation time (no VM seen) is not known to be old enough.
      atLeast(runner.createdAt, minRunnerAgeSeconds),
  );
}
