/**
 * Where an activity ends, the clients' errors become Temporal failures, in this one place. A wrong
 * credential, a refused permission or a request the service calls invalid cannot get better by retrying:
 * non-retryable, with a type naming the cause, so the workflow shows it and backs off to its next tick
 * instead of burning every attempt. A rate limit is retried when the service said it may be. Anything
 * else is retried by the activity's own policy.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { TemporalFailure } from '@temporalio/common';
import { FleetFailure, PlannerFailure } from '../contracts/activities';
import { GitHubApiError, GitHubRateLimitedError } from './github/errors';
import { OpenStackError, type OpenStackErrorKind } from './openstack/errors';
import { PlannerStreamError } from './planner/errors';

const openStackTypes: Partial<Record<OpenStackErrorKind, string>> = {
  config: FleetFailure.cloudConfig,
  unauthorized: FleetFailure.cloudUnauthorized,
  forbidden: FleetFailure.cloudForbidden,
  'bad-request': FleetFailure.cloudInvalidRequest,
  ambiguous: FleetFailure.cloudInvalidRequest,
};

/** The Temporal failure an error thrown out of an activity becomes. */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof TemporalFailure) return err;
  if (err instanceof PlannerStreamError) {
    // A bad token or an unknown flavor waits for an operator: the workflow backs off at its cap.
    if (err.kind === 'unauthorized') return ApplicationFailure.nonRetryable(err.message, PlannerFailure.unauthorized);
    if (err.kind === 'not-found') return ApplicationFailure.nonRetryable(err.message, PlannerFailure.flavorNotFound);
    return ApplicationFailure.retryable(err.message, PlannerFailure.unavailable);
  }
  if (err instanceof GitHubRateLimitedError) {
    return ApplicationFailure.create({
      message: err.message,
      type: FleetFailure.githubRateLimited,
      nextRetryDelay: `${Math.max(err.retryAfterSeconds, 1)} s`,
    });
  }
  if (err instanceof GitHubApiError) {
    const type =
      err.status === 401
        ? FleetFailure.githubUnauthorized
        : err.status === 403
          ? FleetFailure.githubForbidden
          : err.status === 422
            ? FleetFailure.githubInvalidRequest
            : undefined;
    if (type) return ApplicationFailure.nonRetryable(err.message, type);
    return ApplicationFailure.retryable(err.message, FleetFailure.githubUnavailable);
  }
  if (err instanceof OpenStackError) {
    const type = openStackTypes[err.kind];
    if (type) return ApplicationFailure.nonRetryable(err.message, type);
    if (err.kind === 'rate-limited' && err.retryAfterMs !== undefined) {
      return ApplicationFailure.create({
        message: err.message,
        type: FleetFailure.cloudRateLimited,
        nextRetryDelay: Math.max(err.retryAfterMs, 1000),
      });
    }
    return ApplicationFailure.retryable(err.message, FleetFailure.cloudUnavailable);
  }
  return err;
}

/** The activity, its errors mapped on the way out. */
export function mappingFailures<A extends unknown[], R>(activity: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    try {
      return await activity(...args);
    } catch (err) {
      throw toActivityFailure(err);
    }
  };
}
