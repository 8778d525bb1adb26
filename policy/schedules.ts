/**
 * Scheduled warm capacity at an instant: the windows in force, the minRunners and maxRunners they put in
 * force, and the next instant at which that changes. Pure: the instant is an argument (the workflow's
 * time), the openings come from contracts/schedules.ts. Table tests in schedules.test.ts.
 *
 * Overlaps: the highest minRunners among the windows in force wins. maxRunners is the most generous of
 * theirs, a window that sets none bringing the flavor's (0, no cap, is the most generous): every window
 * checks minRunners ≤ its maxRunners, so the effective floor never exceeds the effective cap. With no
 * window in force, the flavor's own minRunners and maxRunners apply.
 */
import type { FlavorSettings } from '../contracts/settings';
import { windowName, windowOpenings, type Openings, type ScheduleWindow } from '../contracts/schedules';
import type { ScheduleStatus, WindowInForce } from '../contracts/state';

/**
 * Openings of one window that overlap or touch (every minute, open two) make one stretch; past this many
 * the stretch's end is not looked for further, and the instant reached is where the workflow looks again.
 */
export const MAX_JOINED_OPENINGS = 1000;

export type ScheduleInputs = Pick<FlavorSettings, 'schedules' | 'minRunners' | 'maxRunners'>;

export function scheduleAt(settings: ScheduleInputs, at: number): ScheduleStatus {
  const inForce: WindowInForce[] = [];
  let nextChange: number | undefined;
  const consider = (instant: number | undefined) => {
    if (instant !== undefined && (nextChange === undefined || instant < nextChange)) nextChange = instant;
  };
  for (const window of settings.schedules) {
    const openings = windowOpenings(window);
    const last = openings.lastAtOrBefore(at);
    if (last !== undefined && at < last + window.durationSeconds * 1000) {
      const until = stretchEnd(openings, window.durationSeconds * 1000, last);
      inForce.push({ name: windowName(window), until: new Date(until).toISOString(), ...limitsOf(window) });
      consider(until);
    } else {
      consider(openings.firstAfter(at));
    }
  }
  return {
    inForce,
    ...effectiveLimits(settings, inForce),
    nextChangeAt: nextChange === undefined ? undefined : new Date(nextChange).toISOString(),
  };
}

/** Where a window opened at `opened` closes: later openings within its duration keep it open. */
function stretchEnd(openings: Openings, duration: number, opened: number): number {
  let end = opened + duration;
  for (let joined = 0; joined < MAX_JOINED_OPENINGS; joined++) {
    const next = openings.firstAfter(opened);
    if (next === undefined || next > end) return end;
    opened = next;
    end = next + duration;
  }
  return end;
}

function limitsOf(window: ScheduleWindow): Pick<WindowInForce, 'minRunners' | 'maxRunners'> {
  return window.maxRunners === undefined
    ? { minRunners: window.minRunners }
    : { minRunners: window.minRunners, maxRunners: window.maxRunners };
}

function effectiveLimits(settings: ScheduleInputs, inForce: WindowInForce[]) {
  if (inForce.length === 0) return { minRunners: settings.minRunners, maxRunners: settings.maxRunners };
  const caps = inForce.map((window) => window.maxRunners ?? settings.maxRunners);
  return {
    minRunners: Math.max(...inForce.map((window) => window.minRunners)),
    maxRunners: caps.includes(0) ? 0 : Math.max(...caps),
  };
}
