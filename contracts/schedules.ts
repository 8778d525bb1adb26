/**
 * Scheduled warm capacity: a flavor's `schedules` setting, a list of windows. A window opens at each time
 * its cron expression names, read in its IANA time zone, and stays open `durationSeconds`; while open,
 * its `minRunners` (and `maxRunners`, when it sets one) are in force (policy/schedules.ts says which win
 * when windows overlap). Cron expressions are read by croner (no dependencies, no I/O, time zones through
 * Intl), which runs inside the workflow bundle as it does here.
 */
import { Cron } from 'croner';
import { z } from './zod';
import { count, name, seconds, shown } from './setting-fields';

/** Five fields (minute hour day-of-month month day-of-week) or six with seconds first; no year field. */
const CRON_MODE = '5-or-6-parts';

const windowSchema = z
  .strictObject(
    {
      name: name('name')
        .max(64, { error: 'name must be at most 64 characters' })
        .optional()
        .describe('shown in the state and the status (default: the cron expression)'),
      cron: z.string({ error: (issue) => `cron must be a cron expression, got ${shown(issue.input)}` }),
      timeZone: z.string({ error: (issue) => `timeZone must name an IANA time zone, got ${shown(issue.input)}` }),
      durationSeconds: seconds('durationSeconds'),
      minRunners: count('minRunners'),
      maxRunners: count('maxRunners').optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown window setting(s): ${issue.keys.join(', ')}`
          : 'a window must be an object with cron, timeZone, durationSeconds and minRunners',
    },
  )
  .superRefine((window, ctx) => {
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
    const zone = timeZoneProblem(window.timeZone);
    if (zone) problem(zone);
    else {
      const cron = cronProblem(window.cron, window.timeZone);
      if (cron) problem(cron);
    }
    const { minRunners, maxRunners } = window;
    if (maxRunners !== undefined && maxRunners > 0 && minRunners > maxRunners) {
      problem(`minRunners ${minRunners} is above maxRunners ${maxRunners}`);
    }
  });

export const schedulesSchema = z.array(windowSchema, { error: 'schedules must be a list of windows' });

export type ScheduleWindow = z.output<typeof windowSchema>;

/** What a window is called in the state and the status. */
export const windowName = (window: ScheduleWindow): string => window.name ?? window.cron;

/**
 * The cross-field rule: a window that sets no maxRunners brings the flavor's, so its minRunners must fit
 * under it. Answers each problem, naming the window.
 */
export function checkSchedulesFit(schedules: ScheduleWindow[], maxRunners: number): string[] {
  if (maxRunners === 0) return [];
  return schedules.flatMap((window, index) =>
    window.maxRunners === undefined && window.minRunners > maxRunners
      ? [
          `schedules[${index}]: minRunners ${window.minRunners} is above the flavor's maxRunners ${maxRunners} ` +
            '(give the window its own maxRunners)',
        ]
      : [],
  );
}

/** A window's openings: the last one at or before an instant, the first one after it (epoch ms). */
export interface Openings {
  lastAtOrBefore(at: number): number | undefined;
  firstAfter(at: number): number | undefined;
}

export function windowOpenings(window: Pick<ScheduleWindow, 'cron' | 'timeZone'>): Openings {
  const cron = new Cron(window.cron, { timezone: window.timeZone, mode: CRON_MODE });
  return {
    // croner's previous runs are those before the reference's whole second: the one after takes it in.
    lastAtOrBefore: (at) => cron.previousRuns(1, new Date(Math.floor(at / 1000) * 1000 + 1000))[0]?.getTime(),
    firstAfter: (at) => cron.nextRun(new Date(at))?.getTime() ?? undefined,
  };
}

function timeZoneProblem(timeZone: string): string | undefined {
  try {
    // Intl knows the IANA zones (the workflow sandbox's V8 too); it also takes "utc" in any case.
    new Intl.DateTimeFormat('en-US', { timeZone });
    return undefined;
  } catch {
    return `timeZone ${shown(timeZone)} is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`;
  }
}

function cronProblem(expression: string, timeZone: string): string | undefined {
  let openings: Openings;
  try {
    openings = windowOpenings({ cron: expression, timeZone });
  } catch (err) {
    return `cron ${shown(expression)} is not a cron expression: ${(err as Error).message.replace(/^CronPattern: /, '')}`;
  }
  // A pattern with no year field that never matches (30 February) never matches at all.
  if (openings.firstAfter(0) === undefined) return `cron ${shown(expression)} never opens (no such date)`;
  return undefined;
}
