import type { Reply } from '../http';
import type { GitHubFaults, GitHubSimulatorStats } from './types';
import { failure, secondaryMessage } from './wire';

/** Injected faults and GitHub's rate limits: the x-ratelimit-* headers of every answer, and 403s and 429s. */

const hourlyLimit = 5000;

export const defaultFaults = (): GitHubFaults => ({
  latencyMs: 0,
  errorRate: 0,
  errorCount: 0,
  status429Count: 0,
  status429RetryAfterSeconds: 1,
  dropRate: 0,
  busyLagMs: 0,
});

/** The primary rate limit's hourly window: every API answer uses one request of it. */
export class RateWindow {
  #window = { resetMs: 0, used: 0 };

  /** Counts one request and returns the x-ratelimit-* headers that report it. */
  use(): Record<string, string> {
    const now = Date.now();
    if (now >= this.#window.resetMs) this.#window = { resetMs: now + 3_600_000, used: 0 };
    const rateWindow = this.#window;
    rateWindow.used += 1;
    return {
      'x-ratelimit-limit': String(hourlyLimit),
      'x-ratelimit-remaining': String(Math.max(hourlyLimit - rateWindow.used, 0)),
      'x-ratelimit-reset': String(Math.ceil(rateWindow.resetMs / 1000)),
      'x-ratelimit-used': String(rateWindow.used),
      'x-ratelimit-resource': 'core',
    };
  }
}

/** The fault this request draws, if any: server errors, then 403 rate limits, then 429s. */
export function injectedFault(faults: GitHubFaults, stats: GitHubSimulatorStats): Reply | undefined {
  if (faults.errorCount > 0 || Math.random() < faults.errorRate) {
    faults.errorCount = Math.max(faults.errorCount - 1, 0);
    stats.faultsInjected.serverErrors += 1;
    return Math.random() < 0.5
      ? failure(500, 'Server Error')
      : { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
  }
  const limit = faults.rateLimit;
  if (limit && limit.count > 0) {
    limit.count -= 1;
    stats.faultsInjected.rateLimited += 1;
    if (limit.kind === 'secondary') {
      return { ...failure(403, secondaryMessage), headers: { 'retry-after': String(limit.retryAfterSeconds) } };
    }
    const reset = Math.ceil(Date.now() / 1000) + limit.retryAfterSeconds;
    return {
      ...failure(403, 'API rate limit exceeded for user ID 1.'),
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': String(hourlyLimit),
        'x-ratelimit-reset': String(reset),
      },
    };
  }
  if (faults.status429Count > 0) {
    faults.status429Count -= 1;
    stats.faultsInjected.tooManyRequests += 1;
    return {
      ...failure(429, secondaryMessage),
      headers: { 'retry-after': String(faults.status429RetryAfterSeconds) },
    };
  }
  return undefined;
}
