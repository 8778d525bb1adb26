import type { Reply } from '../http';
import type { GitHubSimulatorStats } from './types';
import { failure, secondaryMessage } from './wire';

/**
 * GitHub's secondary rate limits, as its REST documentation states them ("Rate limits for the REST API",
 * About secondary rate limits; docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api):
 * - "No more than 100 concurrent requests are allowed", REST and GraphQL together;
 * - "No more than 900 points per minute are allowed for REST API endpoints", a point budget for each
 *   endpoint, where "most REST API GET, HEAD and OPTIONS requests" cost 1 point and "most POST, PATCH,
 *   PUT and DELETE requests" 5: at most 180 JIT registrations a minute;
 * - "In general, no more than 80 content-generating requests per minute and no more than 500
 *   content-generating requests per hour are allowed."
 * Each is counted per credential, in a window that slides (a minute is any minute: GitHub does not say
 * where its windows start, and a sliding one refuses whatever a fixed one would). A refused request costs
 * nothing. The refusal is GitHub's: 403 with the secondary-limit message, and `retry-after` where the
 * wait is known (the window's); a concurrency refusal names no time, so a client waits the minute GitHub
 * asks for then.
 *
 * The JIT route gets the concurrency and point limits, not the content-creation one: the docs' content is
 * what users see (issues, comments, pull requests), the point arithmetic is what GitHub documents per
 * endpoint, and tools that register runners at scale budget exactly that (terraform-aws-github-runner's
 * tuning guide, RunsOn's "15 points/second" pacing). `contentCreatingRoutes` puts any route under it, the
 * JIT route included, for a test of a stricter GitHub.
 */
export interface SecondaryLimits {
  /** Requests of one credential in flight at once; 0 turns the limit off. */
  concurrentRequests: number;
  /** Points one credential may spend on one endpoint (method and route) per window; 0 turns it off. */
  endpointPoints: { points: number; windowSeconds: number };
  /** Content-creating requests of one credential, per window, for each window; [] turns it off. */
  contentCreation: { requests: number; windowSeconds: number }[];
  /** The routes ("POST /orgs/{org}/…") that create content; none of the simulator's by default. */
  contentCreatingRoutes: string[];
}

export const defaultSecondaryLimits = (): SecondaryLimits => ({
  concurrentRequests: 100,
  endpointPoints: { points: 900, windowSeconds: 60 },
  contentCreation: [
    { requests: 80, windowSeconds: 60 },
    { requests: 500, windowSeconds: 3600 },
  ],
  contentCreatingRoutes: [],
});

/** No secondary limit at all: for a test about something else that sends more than GitHub would take. */
export const noSecondaryLimits = (): SecondaryLimits => ({
  concurrentRequests: 0,
  endpointPoints: { points: 0, windowSeconds: 60 },
  contentCreation: [],
  contentCreatingRoutes: [],
});

/** "Most" GET, HEAD and OPTIONS requests cost 1 point, "most" others 5. */
export const pointsOf = (method: string): number => (['GET', 'HEAD', 'OPTIONS'].includes(method) ? 1 : 5);

/** What one credential spent lately: each admitted request's time and cost, oldest first. */
type Log = { at: number; cost: number }[];

export class SecondaryLimiter {
  readonly #inFlight = new Map<string, number>();
  readonly #endpointLogs = new Map<string, Log>();
  readonly #contentLogs = new Map<string, Log>();

  constructor(
    private readonly limits: () => SecondaryLimits,
    private readonly stats: GitHubSimulatorStats,
  ) {}

  /** A request of `credential` has arrived; `done` when its answer is sent or its connection closed. */
  arrived(credential: string): () => void {
    this.#inFlight.set(credential, (this.#inFlight.get(credential) ?? 0) + 1);
    let counted = true;
    return () => {
      if (!counted) return;
      counted = false;
      const left = (this.#inFlight.get(credential) ?? 1) - 1;
      if (left === 0) this.#inFlight.delete(credential);
      else this.#inFlight.set(credential, left);
    };
  }

  /** The refusal of this request (`route` is "METHOD /template"), or undefined when it is admitted and counted. */
  admit(credential: string, method: string, route: string, now = Date.now()): Reply | undefined {
    const limits = this.limits();
    if (limits.concurrentRequests > 0 && (this.#inFlight.get(credential) ?? 0) > limits.concurrentRequests) {
      this.stats.secondaryLimited.concurrency += 1;
      return failure(403, secondaryMessage);
    }
    const { points, windowSeconds } = limits.endpointPoints;
    const endpointLog = logOf(this.#endpointLogs, `${credential} ${route}`, windowSeconds * 1000, now);
    const cost = pointsOf(method);
    const pointsWait = points > 0 ? waitFor(endpointLog, points, cost, windowSeconds * 1000, now) : 0;
    if (pointsWait > 0) {
      this.stats.secondaryLimited.points += 1;
      return refusal(pointsWait);
    }
    if (limits.contentCreatingRoutes.includes(route)) {
      const windows = limits.contentCreation;
      const longest = Math.max(0, ...windows.map((window) => window.windowSeconds * 1000));
      const contentLog = logOf(this.#contentLogs, credential, longest, now);
      const contentWait = Math.max(
        0,
        ...windows.map((window) => waitFor(contentLog, window.requests, 1, window.windowSeconds * 1000, now)),
      );
      if (contentWait > 0) {
        this.stats.secondaryLimited.contentCreation += 1;
        return refusal(contentWait);
      }
      contentLog.push({ at: now, cost: 1 });
    }
    if (points > 0) endpointLog.push({ at: now, cost });
    return undefined;
  }
}

/** The log of `key`, without the entries older than `keepMs`: none of its windows reaches them. */
function logOf(logs: Map<string, Log>, key: string, keepMs: number, now: number): Log {
  const log = logs.get(key) ?? [];
  logs.set(key, log);
  while (log.length > 0 && log[0].at <= now - keepMs) log.shift();
  return log;
}

/** How long until `cost` more fits in `budget` over the last `windowMs` (0: now). */
function waitFor(log: Log, budget: number, cost: number, windowMs: number, now: number): number {
  const inWindow = log.filter((entry) => entry.at > now - windowMs);
  let spent = inWindow.reduce((sum, entry) => sum + entry.cost, 0);
  if (spent + cost <= budget) return 0;
  // The oldest entries leave the window first: wait until enough of them have.
  for (const entry of inWindow) {
    spent -= entry.cost;
    if (spent + cost <= budget) return entry.at + windowMs - now;
  }
  return windowMs;
}

/** GitHub's refusal of a request over a window: the wait in whole seconds, at least one. */
function refusal(waitMs: number): Reply {
  return {
    ...failure(403, secondaryMessage),
    headers: { 'retry-after': String(Math.max(Math.ceil(waitMs / 1000), 1)) },
  };
}
