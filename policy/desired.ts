/**
 * How many runners a flavor wants now. Pure: no Temporal, no I/O (table tests in desired.test.ts).
 */
import type { FlavorSettings } from '../contracts/settings';

/** desired = max(pressure, minRunners, 0), then capped at maxRunners when maxRunners > 0. */
export function clampDesired(pressure: number, minRunners: number, maxRunners: number): number {
  const floor = Math.max(pressure, minRunners, 0);
  return maxRunners > 0 ? Math.min(floor, maxRunners) : floor;
}

export interface DesiredInputs {
  settings: Pick<FlavorSettings, 'mode' | 'minRunners' | 'maxRunners'>;
  /** The minRunners and maxRunners a schedule puts in force now (policy/schedules.ts); else the settings'. */
  limits?: Pick<FlavorSettings, 'minRunners' | 'maxRunners'>;
  /** The planner's last value; undefined before the first one. */
  lastPressure?: number;
  /** The planner stream is down and the fallback count is in force. */
  fallbackActive: boolean;
  fallbackRunners: number;
}

/**
 * The desired count by mode: reactive mode's expected quantity is maxRunners; static mode holds
 * minRunners; planner mode follows the pressure, or the fallback count while the stream is down. Static
 * and planner mode take minRunners and maxRunners from the schedule's limits when given.
 * Undefined while nothing decides it yet: planner mode before the first pressure or failure.
 */
export function desiredRunners({ settings, limits, lastPressure, fallbackActive, fallbackRunners }: DesiredInputs) {
  if (settings.mode === 'reactive') return settings.maxRunners;
  const { minRunners, maxRunners } = limits ?? settings;
  if (settings.mode === 'static') return clampDesired(0, minRunners, maxRunners);
  if (fallbackActive) return clampDesired(fallbackRunners, minRunners, maxRunners);
  return lastPressure === undefined ? undefined : clampDesired(lastPressure, minRunners, maxRunners);
}
