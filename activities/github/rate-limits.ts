import { headerOf, type HttpError } from './http-error';
import type { OctokitPlugin } from './plugins';
import { Semaphore } from './semaphore';

export interface RateLimitSignal {
  kind: 'primary' | 'secondary';
  retryAfterSeconds: number;
}

/** GitHub's advice when a limit names no time: wait at least a minute. */
const fallbackWaitSeconds = 60;
/** Waits inside one call, at most: a limit still in force after that is the caller's to schedule. */
const maxWaitsPerCall = 3;

/**
 * Reads a 403 or 429 the way GitHub documents its limits: a `retry-after` header or the "secondary rate
 * limit" message is a secondary limit (wait retry-after, else a minute); `x-ratelimit-remaining: 0` is the
 * primary limit (wait until x-ratelimit-reset, plus a second); a bare 429 is a
 * secondary limit that names no time. Any other 403 is a permission problem, not a limit.
 */
export function rateLimitOf(err: HttpError, nowMs = Date.now()): RateLimitSignal | undefined {
  if (err.status !== 403 && err.status !== 429) return undefined;
  const retryAfter = headerOf(err, 'retry-after');
  if (retryAfter !== undefined || /secondary rate limit/i.test(err.message)) {
    // A missing, unreadable or zero retry-after means the fallback.
    const seconds = Number(retryAfter);
    return { kind: 'secondary', retryAfterSeconds: seconds > 0 ? seconds : fallbackWaitSeconds };
  }
  if (headerOf(err, 'x-ratelimit-remaining') === '0') {
    const resetMs = Number(headerOf(err, 'x-ratelimit-reset')) * 1000;
    return {
      kind: 'primary',
      retryAfterSeconds: Number.isFinite(resetMs)
        ? Math.max(Math.ceil((resetMs - nowMs) / 1000) + 1, 0)
        : fallbackWaitSeconds,
    };
  }
  return err.status === 429 ? { kind: 'secondary', retryAfterSeconds: fallbackWaitSeconds } : undefined;
}

/** Whether to wait out a limit inside the call; `request` only names it in the log line. */
export type WaitPolicy = (signal: RateLimitSignal, retryCount: number, request: string) => boolean;

/**
 * Short pauses are waited out inside the call; a long one (the primary limit resets hourly) fails the call
 * at once with GitHubRateLimitedError, so that an activity is not parked for an hour holding a worker slot.
 */
export function createWaitPolicy(maxWaitSeconds: number, warn: (message: string) => void): WaitPolicy {
  return (signal, retryCount, request) => {
    const wait = retryCount < maxWaitsPerCall && signal.retryAfterSeconds <= maxWaitSeconds;
    warn(
      `GitHub ${signal.kind} rate limit on ${request}: ` +
        (wait ? `retrying in ${signal.retryAfterSeconds}s` : `failing, retry after ${signal.retryAfterSeconds}s`),
    );
    return wait;
  };
}

/**
 * Requests of one credential in flight at once: 10, well within GitHub's 100 concurrent. Process-wide
 * and keyed by `id` (host and credential), so the clients of one credential share them, as GitHub
 * counts per credential. Registrations and deletes are not spaced apart: they are not content creation
 * (80 a minute), and the endpoint budget (endpoint-budget.ts) keeps them within 900 points a minute.
 */
const inFlight = new Map<string, Semaphore>();
export const MAX_IN_FLIGHT = 10;

export function inFlightLimit(id: string): OctokitPlugin {
  let slots = inFlight.get(id);
  if (!slots) inFlight.set(id, (slots = new Semaphore(MAX_IN_FLIGHT)));
  const limit = slots;
  return (octokit) => {
    octokit.hook.wrap('request', (request, options) => limit.run(() => Promise.resolve(request(options))));
  };
}
