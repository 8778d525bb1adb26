import type { Reply } from '../http';
import { failure } from './wire';

/** GitHub's primary rate limit: requests per hour for each credential, 5000 for a PAT or an installation. */
export const defaultHourlyLimit = 5000;

interface Window {
  resetMs: number;
  used: number;
}

/**
 * One hourly window per credential (auth.ts, credentialOf), each with its own limit, as GitHub counts it:
 * a PAT's budget is its user's, an installation's its own. A request over the limit is refused as GitHub
 * refuses it, 403 with `x-ratelimit-remaining: 0` and the reset.
 */
export class PrimaryLimiter {
  readonly #windows = new Map<string, Window>();

  constructor(private readonly limitOf: (credential: string) => number) {}

  /** Counts one request of `credential`: the x-ratelimit-* headers that report it, and its refusal if over. */
  use(credential: string, now = Date.now()): { headers: Record<string, string>; refusal?: Reply } {
    const limit = this.limitOf(credential);
    let window = this.#windows.get(credential);
    if (!window || now >= window.resetMs) {
      window = { resetMs: now + 3_600_000, used: 0 };
      this.#windows.set(credential, window);
    }
    window.used = Math.min(window.used + 1, limit + 1);
    const headers = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(limit - window.used, 0)),
      'x-ratelimit-reset': String(Math.ceil(window.resetMs / 1000)),
      'x-ratelimit-used': String(Math.min(window.used, limit)),
      'x-ratelimit-resource': 'core',
    };
    return window.used > limit
      ? { headers, refusal: failure(403, 'API rate limit exceeded for user ID 1.') }
      : { headers };
  }
}
