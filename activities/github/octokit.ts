import { createHash } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { endpointBudget, type EndpointBudget } from './endpoint-budget';
import { perAttempt, type RateLimitSnapshot } from './plugins';
import { createWaitPolicy, retryOn429, throttleOptions } from './rate-limits';

export type GitHubAuth =
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: number | string; privateKey: string; installationId: number };

export interface GitHubLog {
  debug: (message: string) => void;
  info: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => void;
}

export interface OctokitConfig {
  auth: GitHubAuth;
  baseUrl: string;
  maxRateLimitWaitSeconds: number;
  requestTimeoutMs: number;
  fetch?: typeof fetch;
  log: GitHubLog;
  /** Filled in with the rate-limit headers of every answer. */
  rateLimit: RateLimitSnapshot;
  /** GitHub's secondary limit on points per endpoint, which the client keeps within (endpoint-budget.ts). */
  endpointBudget: EndpointBudget;
}

/**
 * plugin-retry retries every status but a short 4xx list, 409 included: a duplicate runner name would be
 * retried three times before the caller heard of it. Here it retries 5xx and lost connections only; rate
 * limits have their own handling. A retried POST generate-jitconfig whose first attempt did register
 * answers 409, which the caller already recovers from (RunnerNameTaken).
 */
const clientErrors = Array.from({ length: 100 }, (_, i) => 400 + i);

/**
 * One Octokit per client. Plugin order is hook order, innermost first: per-attempt headers and metrics,
 * then plugin-throttling (403 rate limits, 10 requests in flight per credential), the per-endpoint point
 * budget, plugin-retry (5xx: 3 retries after 0.5, 2 and 4.5 s), and the 429 handler outermost. The App
 * strategy mints and caches installation tokens itself.
 */
export function createOctokit(config: OctokitConfig): Octokit {
  const policy = createWaitPolicy(config.maxRateLimitWaitSeconds, config.log.warn);
  const { auth } = config;
  const id = limiterId(config.baseUrl, auth);
  const GitHub = Octokit.plugin(
    perAttempt(config.requestTimeoutMs, config.rateLimit),
    throttling,
    endpointBudget(id, config.endpointBudget),
    retry,
    retryOn429(policy),
  );
  return new GitHub({
    baseUrl: config.baseUrl,
    userAgent: 'openstack-runner-autoscaler',
    log: config.log,
    request: config.fetch ? { fetch: config.fetch } : undefined,
    ...(auth.kind === 'token'
      ? { auth: auth.token }
      : {
          authStrategy: createAppAuth,
          auth: { appId: auth.appId, privateKey: auth.privateKey, installationId: auth.installationId },
        }),
    throttle: throttleOptions(id, policy),
    retry: { doNotRetry: clientErrors, retries: 3, retryAfterBaseValue: 500 },
  });
}

/** Keys the process-wide limiters (plugin-throttling's, the endpoint budget's): one budget per GitHub host and credential. */
function limiterId(baseUrl: string, auth: GitHubAuth): string {
  const credential =
    auth.kind === 'app'
      ? `app ${auth.appId} installation ${auth.installationId}`
      : `token ${createHash('sha256').update(auth.token).digest('hex').slice(0, 16)}`;
  return `${baseUrl} ${credential}`;
}
