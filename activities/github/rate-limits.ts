import Bottleneck from 'bottleneck';
import type { ThrottlingOptions } from '@octokit/plugin-throttling';
import { headerOf, type HttpError } from './http-error';

export interface RateLimitSignal {
  kind: 'primary' | 'secondary';
  retryAfterSeconds: number;
}

/** GitHub's advice when a limit names no time: wait at least a minute (plugin-throttling's fallback too). */
const fallbackWaitSeconds = 60;
/** Waits inside one call, at most: a limit still in force after that is the caller's to schedule. */
const maxWaitsPerCall = 3;

/**
 * Reads a 403 or 429 the way GitHub documents its limits: a `retry-after` header or the "secondary rate
 * limit" message is a secondary limit (wait retry-after, else a minute); `x-ratelimit-remaining: 0` is the
 * primary limit (wait until x-ratelimit-reset, plus a second, as plugin-throttling does); a bare 429 is a
 * secondary limit that names no time. Any other 403 is a permission problem, not a limit.
 */
export function rateLimitOf(err: HttpError, nowMs = Date.now()): RateLimitSignal | undefined {
  if (err.status !== 403 && err.status !== 429) return undefined;
  const retryAfter = headerOf(err, 'retry-after');
  if (retryAfter !== undefined || /secondary rate limit/i.test(err.message)) {
    // As plugin-throttling reads it: a missing, unreadable or zero retry-after means the fallback.
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

/** Takes the place of plugin-throttling's write group: a Bottleneck group with no limit of its own. */
const unthrottled = new Bottleneck.Group();

/**
 * plugin-throttling, tuned. Its limiter groups are process-wide and keyed by `id`, so the clients of one
 * credential share them, as GitHub counts secondary limits per credential. Its `global` group (10 requests
 * in flight per id, well within GitHub's 100 concurrent) is kept. Its `write` group spaces all POSTs and
 * DELETEs one second apart: right for comments and issues, which GitHub caps at 80 a minute, but it would
 * stretch 200 JIT configs over 200 s. Registering and deleting runners is not content creation, so writes
 * skip that group: the endpoint budget (endpoint-budget.ts) keeps them within GitHub's 900 points a
 * minute per endpoint, and a secondary limit GitHub does raise is handled by the policy above. It reads a 429
 * as a 403 (octokit/plugin-throttling.js#740, in the 11.x used here; 8.x read 403s only): GitHub answers
 * either for a limit.
 */
export function throttleOptions(id: string, policy: WaitPolicy): ThrottlingOptions {
  const handler =
    (kind: RateLimitSignal['kind']) =>
    (retryAfterSeconds: number, options: { method: string; url: string }, _octokit: unknown, retryCount: number) =>
      policy({ kind, retryAfterSeconds }, retryCount, `${options.method} ${options.url}`);
  return { id, write: unthrottled, onRateLimit: handler('primary'), onSecondaryRateLimit: handler('secondary') };
}
