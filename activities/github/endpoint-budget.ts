import { setTimeout as sleep } from 'node:timers/promises';
import type { OctokitPlugin } from './plugins';
import { Semaphore } from './semaphore';

/**
 * GitHub's secondary limit on points, from its REST documentation ("Rate limits for the REST API"): "No
 * more than 900 points per minute are allowed for REST API endpoints", where "most REST API GET, HEAD and
 * OPTIONS requests" cost 1 point and "most POST, PATCH, PUT and DELETE requests" 5. That is 180 JIT
 * registrations a minute per credential, and as many runner deletes. The client keeps every endpoint
 * within it, so a burst of creates is spread over the minute instead of refused: the first 180 go at once,
 * each next one as an earlier one leaves the window. A 403/429 GitHub still sends (another process using
 * the credential, or a stricter limit) is handled as before, by rate-limits.ts.
 */
export interface EndpointBudget {
  points: number;
  windowSeconds: number;
}

/** A budget of `points` a minute, as GitHub states its limit and as the worker is configured (github.endpointPointsPerMinute). */
export function perMinuteBudget(points: number): EndpointBudget {
  return { points, windowSeconds: 60 };
}

export const githubEndpointBudget: EndpointBudget = perMinuteBudget(900);

/** "Most" GET, HEAD and OPTIONS requests cost 1 point, "most" others 5. */
const pointsOf = (method: string) => (['GET', 'HEAD', 'OPTIONS'].includes(method) ? 1 : 5);

/**
 * One semaphore per credential and endpoint, process-wide like the in-flight limit, so that every client
 * of a credential spends one budget, as GitHub counts it. An endpoint is its method and path with the ids
 * taken out (DELETE of runner 5 and of runner 6 are one endpoint); pages of a list are one.
 */
const limiters = new Map<string, Semaphore>();

function limiterFor(id: string, budget: EndpointBudget, method: string, url: string): Semaphore {
  const endpoint = `${method} ${new URL(url).pathname.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
  const key = `${id} ${endpoint}`;
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = new Semaphore(Math.max(Math.floor(budget.points / pointsOf(method)), 1));
    limiters.set(key, limiter);
  }
  return limiter;
}

/**
 * How many more requests to this endpoint (`url` in full) the credential of `id` may start now: 0 or less
 * when the next would queue. A pool reads it to send a request where it goes at once.
 */
export function endpointRoom(id: string, budget: EndpointBudget, method: string, url: string): number {
  return limiterFor(id, budget, method, url).room;
}

/**
 * A request holds one of its endpoint's `points / cost` slots from its start until a window after its
 * answer, so no window of GitHub's ever holds more arrivals than the budget allows: GitHub counts a
 * request when it arrives, which is after it started and before it was answered, and the request that
 * takes the slot next starts only a window after that. (Held from the start plus a fixed margin instead,
 * a request that waited longer than the margin between its start and its arrival, on a loaded machine,
 * shared GitHub's window with the next.) That is a sliding window, which GitHub's "per minute" is safe to
 * read as (a reservoir refilled in fixed steps would let twice the budget through around a step). The
 * hold's timer does not keep the process alive.
 *
 * Registered outside the in-flight limit: a request waiting here for its endpoint's budget does not hold
 * one of the credential's 10 slots there, which GETs of other endpoints need meanwhile. Retries, outside
 * this, start again here and count again.
 */
export function endpointBudget(id: string, budget: EndpointBudget): OctokitPlugin {
  const holdMs = budget.windowSeconds * 1000;
  return (octokit) => {
    octokit.hook.wrap('request', async (request, options) => {
      const url = octokit.request.endpoint.parse(options).url;
      const release = await limiterFor(id, budget, options.method, url).acquire();
      const answer = Promise.resolve(request(options));
      void Promise.allSettled([answer])
        .then(() => sleep(holdMs, undefined, { ref: false }))
        .then(release);
      return answer;
    });
  };
}
