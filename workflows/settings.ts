/**
 * The workflow input's settings, defaulted and checked. A bad setting fails the workflow at once with
 * an error naming the field, before anything is created.
 */
import type { FlavorMode, FlavorSettings } from './types';

export const defaultSettings = {
  mode: 'planner' as FlavorMode,
  minRunners: 0,
  maxRunners: 0,
  fallbackRunners: 0,
  cleanupIntervalSeconds: 300,
  bootTimeoutSeconds: 1200,
  streamBackoffInitialSeconds: 5,
  streamBackoffMaxSeconds: 60,
  streamStallTimeoutSeconds: 90,
  continueAsNewAfterEvents: 5000,
  jobPickupWindowSeconds: 300,
  architecture: 'x64',
  jobRetryInitialSeconds: 60,
  jobRetryMaxSeconds: 1800,
  jobMaxAttempts: 5,
  image: '',
  openstackFlavor: '',
  network: '',
  labels: [] as string[],
};

const settingNames = new Set(['flavor', 'plannerFlavor', 'runnerNamePrefix', ...Object.keys(defaultSettings)]);

const modes: FlavorMode[] = ['planner', 'static', 'reactive'];

const flavorNamePattern = /^[a-z0-9][a-z0-9-]{0,39}$/;

export class InvalidSettingsError extends Error {}

export function resolveSettings(input: Partial<FlavorSettings> & { flavor?: unknown }): FlavorSettings {
  if (typeof input !== 'object' || input === null) throw new InvalidSettingsError('settings must be an object');
  const unknown = Object.keys(input).filter((key) => !settingNames.has(key));
  if (unknown.length > 0) throw new InvalidSettingsError(`unknown setting(s): ${unknown.join(', ')}`);
  const flavor = input.flavor;
  if (typeof flavor !== 'string' || !flavorNamePattern.test(flavor)) {
    throw new InvalidSettingsError(`flavor must match ${flavorNamePattern}, got ${JSON.stringify(flavor)}`);
  }
  const settings: FlavorSettings = {
    ...defaultSettings,
    plannerFlavor: flavor,
    runnerNamePrefix: flavor,
    ...stripUndefined(input),
    flavor,
  };
  if (!modes.includes(settings.mode)) {
    throw new InvalidSettingsError(`mode must be one of ${modes.join(', ')}, got ${JSON.stringify(settings.mode)}`);
  }
  for (const field of ['plannerFlavor', 'runnerNamePrefix', 'architecture'] as const) {
    if (typeof settings[field] !== 'string' || settings[field].length === 0) {
      throw new InvalidSettingsError(`${field} must be a non-empty string`);
    }
  }
  for (const field of ['image', 'openstackFlavor', 'network'] as const) {
    if (typeof settings[field] !== 'string') throw new InvalidSettingsError(`${field} must be a string`);
  }
  if (!Array.isArray(settings.labels) || settings.labels.some((label) => typeof label !== 'string' || !label)) {
    throw new InvalidSettingsError('labels must be a list of non-empty strings');
  }
  const counts = ['minRunners', 'maxRunners', 'fallbackRunners'] as const;
  const seconds = [
    'cleanupIntervalSeconds',
    'bootTimeoutSeconds',
    'streamBackoffInitialSeconds',
    'streamBackoffMaxSeconds',
    'streamStallTimeoutSeconds',
    'jobPickupWindowSeconds',
    'jobRetryInitialSeconds',
    'jobRetryMaxSeconds',
  ] as const;
  for (const field of counts) requireInteger(field, settings[field], 0);
  for (const field of seconds) requirePositive(field, settings[field]);
  requireInteger('continueAsNewAfterEvents', settings.continueAsNewAfterEvents, 100);
  requireInteger('jobMaxAttempts', settings.jobMaxAttempts, 1);
  if (settings.maxRunners > 0 && settings.minRunners > settings.maxRunners) {
    throw new InvalidSettingsError(`minRunners ${settings.minRunners} is above maxRunners ${settings.maxRunners}`);
  }
  if (settings.maxRunners > 0 && settings.fallbackRunners > settings.maxRunners) {
    throw new InvalidSettingsError(
      `fallbackRunners ${settings.fallbackRunners} is above maxRunners ${settings.maxRunners}`,
    );
  }
  if (settings.streamBackoffMaxSeconds < settings.streamBackoffInitialSeconds) {
    throw new InvalidSettingsError('streamBackoffMaxSeconds must not be below streamBackoffInitialSeconds');
  }
  return settings;
}

function requireInteger(field: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidSettingsError(`${field} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
}

function requirePositive(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidSettingsError(`${field} must be a positive number of seconds, got ${JSON.stringify(value)}`);
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
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
  const next = resolveSettings((input ?? {}) as Partial<FlavorSettings>);
  if (next.flavor !== current.flavor) {
    throw new InvalidSettingsError(`flavor is "${current.flavor}", not "${next.flavor}"`);
  }
  if (next.runnerNamePrefix !== current.runnerNamePrefix) {
    throw new InvalidSettingsError('runnerNamePrefix of a running flavor cannot change: stop the flavor first');
  }
  return next;
}
