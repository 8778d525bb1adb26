import type { Reply } from '../http';
import type { GitHubFaults, GitHubSimulatorStats } from './types';
import { defaultHourlyLimit } from './primary-limits';
import { failure, secondaryMessage } from './wire';

/** Injected faults: server errors, rate-limit 403s and 429s, beside the limits modelled. */

export const defaultFaults = (): GitHubFaults => ({
  latencyMs: 0,
  errorRate: 0,
  errorCount: 0,
  status429Count: 0,
  status429RetryAfterSeconds: 1,
  dropRate: 0,
  busyLagMs: 0,
});

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
        'x-ratelimit-used': String(defaultHourlyLimit),
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
