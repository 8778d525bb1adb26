import { Octokit } from '@octokit/rest';
import { setTimeout as sleep } from 'node:timers/promises';
import { chooseCredential, type CredentialState } from '../../policy/credential-choice';
import { credentialLabel } from './credential-label';
import { endpointRoom, type EndpointBudget } from './endpoint-budget';
import { asHttpError } from './http-error';
import { createOctokit, limiterId, type GitHubAuth, type GitHubLog } from './octokit';
import type { RateLimitSnapshot } from './plugins';
import { createWaitPolicy, rateLimitOf, type RateLimitSignal } from './rate-limits';

export interface PoolConfig {
  /** One or more credentials of one organisation or repository; each gets an Octokit and budgets of its own. */
  credentials: GitHubAuth[];
  baseUrl: string;
  maxRateLimitWaitSeconds: number;
  requestTimeoutMs: number;
  fetch?: typeof fetch;
  log: GitHubLog;
  endpointBudget: EndpointBudget;
}

/** One credential of a pool as its users may see it: its non-secret label and its last rate-limit headers. */
export interface PooledCredential {
  label: string;
  rateLimit: RateLimitSnapshot;
}

export interface GitHubPool {
  /** The Octokit to call: each of its requests goes to one credential's Octokit, chosen then. */
  octokit: Octokit;
  credentials: readonly PooledCredential[];
  /** The rate-limit headers of the last answer, whichever credential it came from. */
  rateLimit: RateLimitSnapshot;
}

interface Member extends PooledCredential {
  octokit: Octokit;
  id: string;
  inFlight: number;
  /** GitHub's last rate-limit refusal of this credential, and until when it stands. */
  refusal?: { error: unknown; signal: RateLimitSignal; untilMs: number };
}

/**
 * Credentials of one account's runners, pooled: each request goes to the credential chosen for it
 * (policy/credential-choice.ts), each credential behind its own in-flight limit and endpoint budgets
 * (octokit.ts), so a credential that is spent or refused never holds up the others. A rate-limit refusal
 * is GitHub's word for that credential: the request goes again at once to another one that is free.
 * When all are refused, a call goes once to the one free soonest and GitHub's answer decides; only a call
 * refused itself waits the pause out (or fails) as createWaitPolicy decides. With one credential that is
 * exactly the single client's behaviour: a refusal never fails a later call unasked.
 *
 * The Octokit handed out has no credential of its own: its request hook sends each request, pages of a
 * list one by one, through the chosen credential's Octokit, whose own hooks (auth, limits, retries) run.
 */
export function createPool(config: PoolConfig): GitHubPool {
  const rateLimit: RateLimitSnapshot = {};
  const members: Member[] = config.credentials.map((auth) => {
    const member = { label: credentialLabel(auth), id: limiterId(config.baseUrl, auth), rateLimit: {}, inFlight: 0 };
    return { ...member, octokit: createOctokit({ ...config, auth, rateLimit: member.rateLimit }) };
  });
  const policy = createWaitPolicy(config.maxRateLimitWaitSeconds, config.log.warn);

  const stateOf = (member: Member, method: string, url: string): CredentialState => ({
    remaining: member.rateLimit.remaining,
    limit: member.rateLimit.limit,
    resetAtMs: member.rateLimit.resetAt === undefined ? undefined : Date.parse(member.rateLimit.resetAt),
    refusedUntilMs: member.refusal?.untilMs,
    inFlight: member.inFlight,
    endpointRoom: endpointRoom(member.id, config.endpointBudget, method, url),
  });

  const Front = Octokit.plugin((front) => {
    front.hook.wrap('request', async (_frontRequest, options) => {
      // The front's own hook must not run again inside the member: the member's replaces it.
      const request = { ...options.request };
      delete request.hook;
      const url = front.request.endpoint.parse(options).url;
      // Refusals other calls met steer this one away; only its own are waited out or fail it.
      let refused = false;
      for (let waits = 0; ;) {
        const now = Date.now();
        const { index, waitMs } = chooseCredential(
          members.map((member) => stateOf(member, options.method, url)),
          now,
        );
        const member = members[index];
        if (waitMs > 0 && member.refusal && refused) {
          const signal = { ...member.refusal.signal, retryAfterSeconds: Math.ceil(waitMs / 1000) };
          if (!policy(signal, waits, `${options.method} ${options.url}`)) throw member.refusal.error;
          waits += 1;
          await sleepUntil(now + waitMs);
          continue;
        }
        member.inFlight += 1;
        try {
          return await member.octokit.request({ ...options, request });
        } catch (err) {
          const httpError = asHttpError(err);
          const signal = httpError && rateLimitOf(httpError);
          if (!signal) throw err;
          member.refusal = { error: err, signal, untilMs: Date.now() + signal.retryAfterSeconds * 1000 };
          refused = true;
        } finally {
          member.inFlight -= 1;
          Object.assign(rateLimit, member.rateLimit);
        }
      }
    });
  });
  const octokit = new Front({
    baseUrl: config.baseUrl,
    userAgent: 'openstack-runner-autoscaler',
    log: { ...config.log, error: config.log.debug },
  });
  return { octokit, credentials: members.map(({ label, rateLimit: own }) => ({ label, rateLimit: own })), rateLimit };
}

/**
 * Sleeps until the wall clock reaches `atMs`. A timer may end a millisecond before Date.now() gets there
 * (libuv's loop clock is truncated to the millisecond; measured here: 13 of 200 timers), and the 1 ms left
 * of a refusal would count as a wait of its own: a second warning, and one wait fewer for the call.
 */
async function sleepUntil(atMs: number): Promise<void> {
  for (let leftMs = atMs - Date.now(); leftMs > 0; leftMs = atMs - Date.now()) await sleep(leftMs);
}
