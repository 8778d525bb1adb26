import type { Octokit } from '@octokit/rest';
import { createRedactor } from '../redact';
import { githubEndpointBudget, type EndpointBudget } from './endpoint-budget';
import { toGitHubError } from './errors';
import type { GitHubAuth, GitHubLog } from './octokit';
import type { RateLimitSnapshot } from './plugins';
import { createPool, type PooledCredential } from './pool';

export interface GitHubConnectionOptions {
  /**
   * A token (PAT or other), or a GitHub App installation: its private key is a PEM string. Either may be a
   * function, read at each request (a rotated secret file then needs no restart). A list is a pool of
   * credentials for the same organisation or repository: calls spread over them (pool.ts).
   */
  auth: GitHubAuth | GitHubAuth[];
  /** https://api.github.com by default; GitHub Enterprise Server: https://ghe.example/api/v3. */
  baseUrl?: string;
  /** Longest rate-limit pause waited out inside a call (default 30); longer ones fail with GitHubRateLimitedError. */
  maxRateLimitWaitSeconds?: number;
  /** Deadline of one HTTP attempt (default 30 000). */
  requestTimeoutMs?: number;
  /** A fetch of one's own, e.g. undici's with a proxy dispatcher. */
  request?: { fetch?: typeof fetch };
  /** Octokit's log; warn is where rate-limit waits are reported (console.warn by default). */
  log?: Partial<GitHubLog>;
  /**
   * The points one endpoint may spend per window, which the client stays within: GitHub's 900 a minute
   * by default. A smaller budget leaves room for another user of the credential.
   */
  endpointBudget?: EndpointBudget;
}

/**
 * One authenticated Octokit and what its users share: the API base URL (no trailing slash), the
 * rate-limit headers last seen, and the mapping of failures to redacted GitHubApiErrors. The runner
 * client and the job checker are built on the same connection, so an App mints one installation token
 * and every call counts against the same credentials' budgets.
 */
export interface GitHubConnection {
  octokit: Octokit;
  baseUrl: string;
  /** The headers of the last answer, whichever credential it came from. */
  rateLimit: RateLimitSnapshot;
  /** Each credential by its non-secret label (credential-label.ts), with its own last headers. */
  credentials: readonly PooledCredential[];
  /** A catch handler: throws what `err` was as a GitHubApiError naming `operation`, secrets scrubbed. */
  fail: (operation: string) => (err: unknown) => never;
}

const noop = () => undefined;

export function connectGitHub(options: GitHubConnectionOptions): GitHubConnection {
  const given = Array.isArray(options.auth) ? options.auth : [options.auth];
  if (given.length === 0) throw new Error('GitHub client: auth lists no credential');
  const read = given.map(credentialOf);
  const credentials = given.map((auth, index): GitHubAuth =>
    auth.kind === 'token' ? { ...auth, token: read[index].read } : { ...auth, privateKey: read[index].read },
  );
  credentials.forEach((auth, index) => validate({ ...options, auth }, read[index].read()));
  const baseUrl = (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const pool = createPool({
    credentials,
    baseUrl,
    maxRateLimitWaitSeconds: options.maxRateLimitWaitSeconds ?? 30,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    fetch: options.request?.fetch,
    log: { debug: noop, info: noop, warn: console.warn, ...options.log },
    endpointBudget: options.endpointBudget ?? githubEndpointBudget,
  });
  if (new Set(pool.credentials.map(({ label }) => label)).size < pool.credentials.length) {
    throw new Error('GitHub client: auth lists one credential twice');
  }
  return {
    ...pool,
    baseUrl,
    fail: (operation) => (err) => {
      throw toGitHubError(err, operation, createRedactor(read.flatMap((credential) => credential.used())));
    },
  };
}

/**
 * The token or key, read at each use. Every value handed out is kept for the redactor: an answer to a
 * request made before a rotation may still echo the value it carried.
 */
function credentialOf(auth: GitHubAuth): { read: () => string; used: () => string[] } {
  const secret = auth.kind === 'token' ? auth.token : auth.privateKey;
  const used = new Set<string>();
  const read = () => {
    const value = typeof secret === 'function' ? secret() : secret;
    used.add(value);
    return value;
  };
  return { read, used: () => [...used] };
}

/** Configuration mistakes fail at once, naming the field, never its value; `secret` is the token or key as read now. */
function validate(
  { auth, baseUrl, maxRateLimitWaitSeconds, endpointBudget }: GitHubConnectionOptions & { auth: GitHubAuth },
  secret: string,
): void {
  const problem = (() => {
    if (auth.kind === 'token' && !secret) return 'auth.token is empty';
    if (auth.kind === 'app' && !/PRIVATE KEY-----/.test(secret)) return 'auth.privateKey is not a PEM key';
    if (auth.kind === 'app' && !(Number(auth.appId) > 0)) return 'auth.appId must be a positive number';
    if (auth.kind === 'app' && !(auth.installationId > 0)) return 'auth.installationId must be a positive number';
    if (baseUrl !== undefined && !URL.canParse(baseUrl)) return 'baseUrl is not a URL';
    if (maxRateLimitWaitSeconds !== undefined && !(maxRateLimitWaitSeconds >= 0)) {
      return 'maxRateLimitWaitSeconds must be 0 or more';
    }
    if (endpointBudget && !(endpointBudget.points >= 5 && endpointBudget.windowSeconds > 0)) {
      return 'endpointBudget needs 5 points or more (a POST) in a positive window';
    }
    return undefined;
  })();
  if (problem) throw new Error(`GitHub client: ${problem}`);
}
