import { isJsonObject } from '../http';
import type { FaultSettings, OpenStackSimulatorStats, SimService } from './types';

/** Injected faults: the settings, their validation, and the one roll of the dice per request. */

export function defaultFaults(): FaultSettings {
  return { latencyMs: 0, errorRate: 0, rateLimitRate: 0, retryAfterSeconds: 1, dropRate: 0, dropAfterHandling: false };
}

export function normalizeFaults(input: unknown): FaultSettings {
  if (!isJsonObject(input)) throw new Error('faults must be an object');
  const faults = defaultFaults();
  const known = new Set([...Object.keys(faults), 'errorStatus', 'maxFaults', 'service', 'method', 'route']);
  for (const [key, value] of Object.entries(input)) {
    if (!known.has(key)) throw new Error(`unknown fault setting "${key}"`);
    if (value === undefined) continue;
    const isRate = key.endsWith('Rate');
    if (isRate && (typeof value !== 'number' || value < 0 || value > 1)) throw new Error(`${key} must be in [0, 1]`);
    if (['latencyMs', 'retryAfterSeconds', 'maxFaults'].includes(key) && (typeof value !== 'number' || value < 0)) {
      throw new Error(`${key} must be a non-negative number`);
    }
    if (key === 'errorStatus' && (typeof value !== 'number' || value < 400 || value > 599)) {
      throw new Error('errorStatus must be a 4xx or 5xx status');
    }
    if (key === 'dropAfterHandling' && typeof value !== 'boolean')
      throw new Error('dropAfterHandling must be a boolean');
    if (['service', 'method', 'route'].includes(key) && typeof value !== 'string')
      throw new Error(`${key} must be a string`);
    (faults as unknown as Record<string, unknown>)[key] = key === 'method' ? (value as string).toUpperCase() : value;
  }
  return faults;
}

/** Replaces every setting in place (the handle's `faults` stays the same object); throws for bad ones. */
export function replaceFaults(faults: FaultSettings, next: Partial<FaultSettings> = {}): void {
  for (const key of Object.keys(faults)) delete (faults as unknown as Record<string, unknown>)[key];
  Object.assign(faults, normalizeFaults(next));
}

/** Whether a request of this service, method and route is one the faults apply to. */
export function inScope(faults: FaultSettings, service: SimService, method: string, route: string): boolean {
  return (
    (!faults.service || faults.service === service) &&
    (!faults.method || faults.method === method) &&
    (!faults.route || faults.route === route)
  );
}

/** One roll of the dice per request: drop, 5xx, 429, or nothing. */
export function rollFault(
  faults: FaultSettings,
  random: () => number,
  stats: OpenStackSimulatorStats,
): 'drop' | 'error' | 'rateLimit' | undefined {
  if (faults.maxFaults !== undefined && faults.maxFaults <= 0) return undefined;
  const roll = random();
  const fault =
    roll < faults.dropRate
      ? 'drop'
      : roll < faults.dropRate + faults.errorRate
        ? 'error'
        : roll < faults.dropRate + faults.errorRate + faults.rateLimitRate
          ? 'rateLimit'
          : undefined;
  if (fault && faults.maxFaults !== undefined) faults.maxFaults -= 1;
  if (fault) stats.faults[fault] += 1;
  return fault;
}
