/**
 * The flavor workflow's decisions as pure functions: no Temporal, no I/O, table-tested in
 * test/workflows/decisions.test.ts.
 */
import type { RunnerInfo } from '../activities/interfaces';

/** desired = max(pressure, minRunners, 0), then capped at maxRunners when maxRunners > 0. */
export function clampDesired(pressure: number, minRunners: number, maxRunners: number): number {
  const floor = Math.max(pressure, minRunners, 0);
  return maxRunners > 0 ? Math.min(floor, maxRunners) : floor;
}

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
 * never chosen, so the fleet may stay above desired until runners go idle.
 */
export function planConverge(desired: number | undefined, runners: RunnerInfo[]): ConvergePlan {
  if (desired === undefined) return { action: 'none' };
  if (desired > runners.length) return { action: 'create', count: desired - runners.length };
  const surplus = runners.length - desired;
  const candidates = idleOldestFirst(runners);
  if (surplus === 0 || candidates.length === 0) return { action: 'none' };
  return { action: 'delete', count: Math.min(surplus, candidates.length), candidates };
}

/** The idle runners, the longest-unused first: the order every soft delete takes them in. */
export function idleOldestFirst(runners: RunnerInfo[]): RunnerInfo[] {
  return runners
    .filter((runner) => runner.state === 'idle')
    .sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.name.localeCompare(b.name));
}

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
  const exponent = Math.min(Math.max(failuresInARow - 1, 0), 30);
  return Math.min(initialSeconds * 2 ** exponent, maxSeconds);
}

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** An operator's new fallback count: a non-negative integer, not above maxRunners when there is a cap. */
export function checkFallbackRunners(value: unknown, maxRunners: number): Checked<number> {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    return { ok: false, reason: `fallbackRunners must be an integer, got ${describeValue(value)}` };
  }
  if (value < 0) return { ok: false, reason: `fallbackRunners must not be negative, got ${value}` };
  if (maxRunners > 0 && value > maxRunners) {
    return { ok: false, reason: `fallbackRunners ${value} is above maxRunners ${maxRunners}` };
  }
  return { ok: true, value };
}

/** A pressure value as the stream activity must send it. */
export function checkPressure(value: unknown): Checked<number> {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    return { ok: false, reason: `pressure must be a non-negative integer, got ${describeValue(value)}` };
  }
  return { ok: true, value };
}

/** A short, safe rendering of an operator's bad input for errors and the state. */
export function describeValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
