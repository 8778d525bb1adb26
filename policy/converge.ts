/**
 * The create path's and the cleanup tick's plans: how many runners to make, and which idle ones to
 * remove. Pure (table tests in converge.test.ts).
 */
import type { RunnerInfo } from '../contracts/activities';

/**
 * The create path: how many runners to create now. It trusts the workflow's own count and lists
 * nothing; a paused path (the last create made nothing) waits for the next cleanup tick.
 */
export function planCreate(desired: number | undefined, current: number, creationPaused: boolean): number {
  if (desired === undefined || creationPaused) return 0;
  return Math.max(desired - current, 0);
}

export type ConvergePlan =
  | { action: 'none' }
  | { action: 'create'; count: number }
  | { action: 'delete'; count: number; candidates: RunnerInfo[] };

/**
 * A cleanup tick's converging step, from a fresh list. Only idle runners are candidates for a soft
 * delete, oldest first (the longest-unused runner goes first); busy, booting and offline runners are
 * never chosen, so the fleet may stay above desired until runners go idle. `removable`: the runners whose
 * idleness is confirmed (policy/idle-confirmation.ts); all of them by default.
 */
export function planConverge(
  desired: number | undefined,
  runners: RunnerInfo[],
  removable: RunnerInfo[] = runners,
): ConvergePlan {
  if (desired === undefined) return { action: 'none' };
  if (desired > runners.length) return { action: 'create', count: desired - runners.length };
  const surplus = runners.length - desired;
  const candidates = idleOldestFirst(removable);
  if (surplus === 0 || candidates.length === 0) return { action: 'none' };
  return { action: 'delete', count: Math.min(surplus, candidates.length), candidates };
}

/** The idle runners, the longest-unused first: the order every soft delete takes them in. */
export function idleOldestFirst(runners: RunnerInfo[]): RunnerInfo[] {
  return runners
    .filter((runner) => runner.state === 'idle')
    .sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.name.localeCompare(b.name));
}
