/**
 * One flavor's settings: the workflow input, what `apply` and the webhook intake read from the flavors
 * file, and the README's settings table, all from this one schema. Defaults, per-field rules and
 * cross-field rules live here and nowhere else (a schedule window's in schedules.ts). It runs inside the workflow bundle too (no Node module,
 * no I/O): zod's jitless mode (set in zod.ts) keeps it off `new Function`, which a workflow
 * sandbox has no use for.
 */
import { z } from './zod';
import { checkSchedulesFit, schedulesSchema } from './schedules';
import { count, name, seconds, shown } from './setting-fields';

const MODES = ['planner', 'static', 'reactive'] as const;
const FLAVOR_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const LABELS_ERROR = 'labels must be a list of non-empty strings';

const vmField = (field: string) => z.string({ error: `${field} must be a string` });

/** Each field with its default and its line in the README's settings table. */
export const flavorSettingsShape = {
  flavor: z
    .string({ error: (issue) => `flavor must match ${FLAVOR_NAME}, got ${shown(issue.input)}` })
    .regex(FLAVOR_NAME)
    .describe("this autoscaler's name of the flavor (`[a-z0-9-]`, ≤ 40 chars)"),
  // The planner answers flavor `_` with every flavor in one object ({"large":1,"small":0}): no one
  // flavor's pressure, so a stream on it would skip every line.
  plannerFlavor: name('plannerFlavor')
    .refine((value) => value !== '_', {
      error: 'plannerFlavor "_" is the planner\'s view of every flavor at once, not a flavor: name one flavor',
    })
    .optional()
    .describe("the flavor's name at the planner"),
  mode: z
    .enum(MODES, { error: (issue) => `mode must be one of ${MODES.join(', ')}, got ${shown(issue.input)}` })
    .default('planner')
    .describe('`planner` (pressure stream), `static` (desired = minRunners) or `reactive` (jobs from webhooks)'),
  minRunners: count('minRunners').default(0).describe('floor of desired'),
  maxRunners: count('maxRunners')
    .default(0)
    .describe('cap of desired (0 = no cap); reactive: maxRunners is the expected quantity'),
  schedules: schedulesSchema
    .default(() => [])
    .describe('timed windows with their own minRunners and maxRunners (see "Scheduled warm capacity")'),
  fallbackRunners: count('fallbackRunners').default(0).describe('desired once a planner outage outlasts the grace'),
  // 600 s: the real planner's outages that emptied fleets were restarts (its own, or its database's),
  // over in a minute or two; ten minutes outlasts them with room, and still falls back within two cleanup
  // ticks of a real outage. 0 falls back at once (the ADR's literal reading).
  fallbackGraceSeconds: z
    .number({ error: (issue) => `fallbackGraceSeconds must be 0 or more seconds, got ${shown(issue.input)}` })
    .min(0)
    .default(600)
    .describe('a planner outage keeps the last pressure this long before fallbackRunners applies'),
  cleanupIntervalSeconds: seconds('cleanupIntervalSeconds').default(300).describe('time between cleanup ticks'),
  bootTimeoutSeconds: seconds('bootTimeoutSeconds')
    .default(1200)
    .describe('a runner still offline this long after its VM was made is removed'),
  streamBackoffInitialSeconds: seconds('streamBackoffInitialSeconds').default(5).describe('reconnect backoff start'),
  streamBackoffMaxSeconds: seconds('streamBackoffMaxSeconds').default(60).describe('reconnect backoff cap'),
  // 300 s: the planner's keep-alives come from one shared 30 s ticker, round robin over every open stream,
  // so each of N streams hears one only every N × 30 s. A stall now costs one reconnect (the planner sends
  // the value on connect) and a token check at the planner, N / T a second over all flavors: 3.3/s at 300 s
  // for 1000 flavors, 11/s at 90 s. A dead peer is caught by TCP keep-alive sooner anyway; the stall only
  // guards against a planner that holds the connection and stops writing. Equal to the cleanup interval.
  streamStallTimeoutSeconds: seconds('streamStallTimeoutSeconds')
    .default(300)
    .describe('silence after which an open stream is reconnected at once (not a failure: desired stays)'),
  // 120 s: GitHub's busy flag was measured lagging 25–60 s into a job; twice that covers the usual lag.
  // Lists are a cleanup interval apart (300 s by default), so an idle runner goes one tick later than it
  // would without the rule; the rare longer lag (once 12 min) is not worth holding every scale-down for.
  idleConfirmSeconds: z
    .number({ error: (issue) => `idleConfirmSeconds must be 0 or more seconds, got ${shown(issue.input)}` })
    .min(0)
    .default(120)
    .describe('an idle runner is removed only when seen idle in two lists at least this far apart'),
  // 180 s: the time GitHub takes to hand a queued job to a runner that just came online, with the flag's lag.
  minRunnerAgeSeconds: z
    .number({ error: (issue) => `minRunnerAgeSeconds must be 0 or more seconds, got ${shown(issue.input)}` })
    .min(0)
    .default(180)
    .describe('an idle runner younger than this (since its VM was made) is never removed as idle'),
  continueAsNewAfterEvents: count('continueAsNewAfterEvents', 100)
    .default(5000)
    .describe('history length that triggers continue-as-new'),
  // GitHub refuses runner names over 64 characters: the prefix leaves room for `-<n>` up to 13 digits.
  runnerNamePrefix: name('runnerNamePrefix')
    .max(50, { error: 'runnerNamePrefix must be at most 50 characters (GitHub runner names stop at 64)' })
    .optional()
    .describe('runner and VM names are `<prefix>-<n>`'),
  image: vmField('image').default('').describe('the VM image (name or id)'),
  openstackFlavor: vmField('openstackFlavor').default('').describe('the Nova flavor (name or id)'),
  network: vmField('network').default('').describe('the network (name or id)'),
  // GitHub's OpenAPI description caps a JIT registration at 100 labels (checked across fields below) but
  // states no length; 256 characters, trimmed and non-empty, is the bound the settings keep to.
  labels: z
    .array(
      z
        .string({ error: LABELS_ERROR })
        .min(1, { error: LABELS_ERROR })
        .max(256, { error: 'a label must be at most 256 characters' })
        .refine((label) => label.trim() === label, { error: 'a label must not start or end with whitespace' }),
      { error: LABELS_ERROR },
    )
    .default(() => [])
    .describe("the runner's labels (`self-hosted`, `linux` and the architecture are added)"),
  architecture: name('architecture')
    .default('x64')
    .describe("the runners' architecture label (registered with `self-hosted` and `linux`)"),
  jobPickupWindowSeconds: seconds('jobPickupWindowSeconds')
    .default(300)
    .describe("reactive: how long a job's runner waits to be picked up (5 looks)"),
  jobRetryInitialSeconds: seconds('jobRetryInitialSeconds')
    .default(60)
    .describe('reactive: backoff start between attempts of an unpicked job'),
  jobRetryMaxSeconds: seconds('jobRetryMaxSeconds')
    .default(1800)
    .describe('reactive: backoff cap between attempts of an unpicked job'),
  jobMaxAttempts: count('jobMaxAttempts', 1).default(5).describe('reactive: attempts before a job is dropped'),
};

export const flavorSettingsSchema = z
  .strictObject(flavorSettingsShape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown setting(s): ${issue.keys.join(', ')}`
        : 'settings must be an object',
  })
  .superRefine((settings, ctx) => {
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message });
    const { minRunners, maxRunners, fallbackRunners } = settings;
    if (maxRunners > 0 && minRunners > maxRunners)
      problem(`minRunners ${minRunners} is above maxRunners ${maxRunners}`);
    if (maxRunners > 0 && fallbackRunners > maxRunners) {
      problem(`fallbackRunners ${fallbackRunners} is above maxRunners ${maxRunners}`);
    }
    for (const misfit of checkSchedulesFit(settings.schedules, maxRunners)) problem(misfit);
    // Reactive mode's count is its job queue's (runners + consumers == maxRunners): no floor to schedule.
    if (settings.mode === 'reactive' && settings.schedules.length > 0) {
      problem('schedules apply in planner and static modes; reactive mode sizes the fleet by its jobs');
    }
    // What a registration carries (policy/runner-labels.ts): these, self-hosted, linux and the
    // architecture, each once ignoring case; GitHub takes at most 100.
    const carried = new Set(
      [...settings.labels, 'self-hosted', 'linux', settings.architecture].map((l) => l.toLowerCase()),
    );
    if (carried.size > 100) problem(`labels: a runner carries at most 100 labels, these make ${carried.size}`);
    if (settings.streamBackoffMaxSeconds < settings.streamBackoffInitialSeconds) {
      problem('streamBackoffMaxSeconds must not be below streamBackoffInitialSeconds');
    }
  })
  .transform((settings) => ({
    ...settings,
    plannerFlavor: settings.plannerFlavor ?? settings.flavor,
    runnerNamePrefix: settings.runnerNamePrefix ?? settings.flavor,
  }));

/** The settings in force: every field set. */
export type FlavorSettings = z.output<typeof flavorSettingsSchema>;
/** What `apply` and the workflow input accept: any settings, only `flavor` required. */
export type FlavorSettingsInput = z.input<typeof flavorSettingsSchema>;
export type FlavorMode = FlavorSettings['mode'];

export class InvalidSettingsError extends Error {}

/** The settings with their defaults, or an InvalidSettingsError naming every bad field. */
export function resolveSettings(input: unknown): FlavorSettings {
  const parsed = flavorSettingsSchema.safeParse(input);
  if (!parsed.success) throw new InvalidSettingsError(parsed.error.issues.map(located).join('; '));
  return parsed.data;
}

/** An issue inside a list names its item: `schedules[1]: cron "…" is not a cron expression`. */
function located(issue: z.core.$ZodIssue): string {
  const [field, index] = issue.path;
  return typeof index === 'number' ? `${String(field)}[${index}]: ${issue.message}` : issue.message;
}

/** The settings whose value differs, in a stable order (what `apply` reports). */
export function changedSettings(before: FlavorSettings, after: FlavorSettings): string[] {
  const keys = Object.keys({ ...before, ...after }).sort() as (keyof FlavorSettings)[];
  return keys.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

/**
 * New settings for a running flavor, or why not: they must be valid, name the same flavor and keep the
 * runner name prefix (a new prefix would orphan every runner the old one named).
 */
export function checkNewSettings(current: FlavorSettings, input: unknown): FlavorSettings {
  const next = resolveSettings(input ?? {});
  if (next.flavor !== current.flavor) {
    throw new InvalidSettingsError(`flavor is "${current.flavor}", not "${next.flavor}"`);
  }
  if (next.runnerNamePrefix !== current.runnerNamePrefix) {
    throw new InvalidSettingsError('runnerNamePrefix of a running flavor cannot change: stop the flavor first');
  }
  return next;
}
