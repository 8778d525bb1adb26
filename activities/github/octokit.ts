import { createAppAuth } from '@octokit/auth-app';
import { createTokenAuth } from '@octokit/auth-token';
import { Octokit } from '@octokit/rest';
import { credentialLabel } from './credential-label';
import { endpointBudget, type EndpointBudget } from './endpoint-budget';
import { perAttempt, type RateLimitSnapshot } from './plugins';
import { inFlightLimit } from './rate-limits';
import { retryServerErrors } from './server-errors';

/** A secret given as a function is read at each use, so that a rotated one takes effect without a restart. */
export type GitHubAuth =
  | { kind: 'token'; token: string | (() => string) }
  | { kind: 'app'; appId: number | string; privateKey: string | (() => string); installationId: number };

/** What core's hook.wrap('request') hands an auth strategy's hook: the next request function and the endpoint. */
type AppAuthHookArguments = Parameters<ReturnType<typeof createAppAuth>['hook']>;
type AuthHookArguments = [request: AppAuthHookArguments[0], endpoint: Extract<AppAuthHookArguments[1], object>];

export interface GitHubLog {
  debug: (message: string) => void;
  info: (message: string) => void;
  warn: (message: string) => void;
}

export interface OctokitConfig {
  auth: GitHubAuth;
  baseUrl: string;
  requestTimeoutMs: number;
  fetch?: typeof fetch;
  log: GitHubLog;
  /** Filled in with the rate-limit headers of every answer. */
  rateLimit: RateLimitSnapshot;
  /** GitHub's secondary limit on points per endpoint, which the client keeps within (endpoint-budget.ts). */
  endpointBudget: EndpointBudget;
}

/**
 * One Octokit per credential. Plugin order is hook order, innermost first: the auth strategy's hook (core
 * wraps it before any plugin), per-attempt headers and metrics, at most 10 requests in flight per
 * credential, the per-endpoint point budget, and retries of 5xx and lost connections (3, after 0.5, 2 and
 * 4.5 s). GitHub's rate limits (403 and 429) are the pool's, outside all of these (pool.ts): a refused
 * request may go to another credential. Every attempt, a retried one too, reads the secret as it is
 * then. The App strategy mints and caches installation tokens itself. plugin-throttling and plugin-retry
 * did these jobs before, each through Bottleneck, whose queue yields to the event loop a few times per
 * request: together 30 to 50 ms of every JIT registration on a busy machine.
 */
export function createOctokit(config: OctokitConfig): Octokit {
  const { auth } = config;
  const id = limiterId(config.baseUrl, auth);
  const GitHub = Octokit.plugin(
    perAttempt(config.requestTimeoutMs, config.rateLimit),
    inFlightLimit(id),
    endpointBudget(id, config.endpointBudget),
    retryServerErrors(),
  );
  return new GitHub({
    baseUrl: config.baseUrl,
    userAgent: 'openstack-runner-autoscaler',
    // @octokit/plugin-request-log (6.x, inside @octokit/rest) logs every failed attempt at error level, a
    // 404 the caller expects included; the client reports failures by its errors, so those lines are debug.
    log: { ...config.log, error: config.log.debug },
    request: config.fetch ? { fetch: config.fetch } : undefined,
    authStrategy: auth.kind === 'token' ? tokenAuth(reader(auth.token)) : appAuth(auth, reader(auth.privateKey)),
  });
}

const reader = (secret: string | (() => string)) => (typeof secret === 'function' ? secret : () => secret);

/** The token read at each request; @octokit/auth-token makes the header, as for a fixed token. */
function tokenAuth(read: () => string) {
  return () => {
    const hook = (...[request, endpoint]: AuthHookArguments) => createTokenAuth(read()).hook(request, endpoint);
    return Object.assign(async () => createTokenAuth(read())(), { hook });
  };
}

/**
 * An App whose private key is read at each request: when it has changed, a new app auth is made with it
 * (and with core's options, as core itself would), so the next installation token is minted with the new
 * key; until then the cached installation token of the old one serves.
 */
function appAuth(auth: Extract<GitHubAuth, { kind: 'app' }>, readKey: () => string) {
  return (coreOptions: Record<string, unknown>) => {
    let current: { key: string; auth: ReturnType<typeof createAppAuth> } | undefined;
    const appAuthNow = () => {
      const key = readKey();
      if (current?.key !== key) {
        const options = { ...coreOptions, appId: auth.appId, installationId: auth.installationId, privateKey: key };
        current = { key, auth: createAppAuth(options) };
      }
      return current.auth;
    };
    const hook = (...[request, endpoint]: AuthHookArguments) => appAuthNow().hook(request, endpoint);
    return Object.assign((options: Parameters<ReturnType<typeof createAppAuth>>[0]) => appAuthNow()(options), {
      hook,
    });
  };
}

/**
 * Keys the process-wide limiters (in-flight and endpoint budget): one budget per GitHub host and
 * credential (an App's per installation), as GitHub counts them.
 */
export function limiterId(baseUrl: string, auth: GitHubAuth): string {
  const installation = auth.kind === 'app' ? ` installation ${auth.installationId}` : '';
  return `${baseUrl} ${credentialLabel(auth)}${installation}`;
}
