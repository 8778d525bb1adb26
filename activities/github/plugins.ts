import type { Octokit } from '@octokit/rest';
import { asHttpError } from './http-error';

export type OctokitPlugin = Parameters<typeof Octokit.plugin>[number];

/** The x-ratelimit-* headers of the last answer that had them. */
export interface RateLimitSnapshot {
  remaining?: number;
  limit?: number;
  /** ISO time the window resets. */
  resetAt?: string;
}

/**
 * Registered before the throttling and retry plugins, so it runs inside them, once per attempt: pins the
 * REST API version, gives each attempt its own deadline (fetch would otherwise wait five minutes for
 * headers), and records the rate-limit headers of every answer, errors and retried ones included.
 */
export function perAttempt(timeoutMs: number, snapshot: RateLimitSnapshot): OctokitPlugin {
  return (octokit) => {
    octokit.hook.before('request', (options) => {
      options.headers['x-github-api-version'] = '2022-11-28';
      options.request = { ...options.request, signal: AbortSignal.timeout(timeoutMs) };
    });
    octokit.hook.after('request', (response) => record(snapshot, response.headers));
    octokit.hook.error('request', (error) => {
      const headers = asHttpError(error)?.response?.headers;
      if (headers) record(snapshot, headers);
      throw error;
    });
  };
}

function record(snapshot: RateLimitSnapshot, headers: Record<string, string | number | undefined>): void {
  const remaining = Number(headers['x-ratelimit-remaining'] ?? Number.NaN);
  if (!Number.isFinite(remaining)) return;
  const limit = Number(headers['x-ratelimit-limit'] ?? Number.NaN);
  const reset = Number(headers['x-ratelimit-reset'] ?? Number.NaN);
  snapshot.remaining = remaining;
  snapshot.limit = Number.isFinite(limit) ? limit : undefined;
  snapshot.resetAt = Number.isFinite(reset) ? new Date(reset * 1000).toISOString() : undefined;
}
