import { setTimeout as sleep } from 'node:timers/promises';
import { NetworkError } from './http';
import { OpenStackError } from './errors';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /**
   * Total time spent waiting between attempts. Kept short: a longer pause is the caller's business (an
   * activity retries with its own backoff), so a Retry-After beyond it is thrown at once, marked retryable.
   */
  maxWaitMs: number;
  /** First backoff when the cloud gives no Retry-After; doubles with each attempt. */
  baseDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 4, maxWaitMs: 10_000, baseDelayMs: 250 };

/**
 * Runs `attempt` until it succeeds or fails for good. Idempotent requests are repeated after any 5xx or
 * lost connection; others only when the cloud surely did not act on them (429, or no connection at all):
 * a POST /servers answered 503 by a proxy, or cut off mid-way, may have created the server, and repeating
 * it here would make a twin. Those errors stay retryable for a caller that checks before repeating.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  options: { idempotent: boolean; policy: RetryPolicy; signal?: AbortSignal; onRetry?: () => void },
): Promise<T> {
  const { policy } = options;
  let waited = 0;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (err) {
      const delay = retryDelay(err, options.idempotent, n, policy.baseDelayMs);
      if (delay === undefined || n >= policy.maxAttempts || waited + delay > policy.maxWaitMs) throw err;
      waited += delay;
      options.onRetry?.();
      await sleep(delay, undefined, { signal: options.signal });
    }
  }
}

function retryDelay(err: unknown, idempotent: boolean, attempt: number, baseDelayMs: number): number | undefined {
  if (!(err instanceof OpenStackError) || !err.retryable) return undefined;
  const backoff = Math.round(baseDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2));
  if (err instanceof NetworkError) return idempotent || !err.maybeProcessed ? backoff : undefined;
  if (err.status === 429) return err.retryAfterMs ?? backoff;
  if (err.status !== undefined && err.status >= 500 && idempotent) return err.retryAfterMs ?? backoff;
  return undefined;
}
