import { ApplicationFailure } from '@temporalio/common';
import { FleetFailure, PlannerFailure } from '../../contracts/activities';
import { toActivityFailure } from '../../activities/failure-mapping';
import { GitHubApiError, GitHubRateLimitedError, RunnerNameTaken } from '../../activities/github/errors';
import { OpenStackError } from '../../activities/openstack/errors';
import { PlannerStreamError } from '../../activities/planner/errors';

/** The one mapping from the clients' errors to Temporal failures, by class and typed kind. */
const github = (status: number) => new GitHubApiError(`GitHub x: ${status}`, { status, retryable: status >= 500 });
const cloud = (kind: ConstructorParameters<typeof OpenStackError>[1]['kind'], retryAfterMs?: number) =>
  new OpenStackError(`Nova: ${kind}`, { kind, retryable: false, retryAfterMs });

test.each([
  ['GitHub 401', github(401), FleetFailure.githubUnauthorized, true],
  ['GitHub 403', github(403), FleetFailure.githubForbidden, true],
  ['GitHub 422', github(422), FleetFailure.githubInvalidRequest, true],
  ['GitHub 409 (a name taken, if it ever escapes)', new RunnerNameTaken('r-1'), FleetFailure.githubUnavailable, false],
  ['GitHub 502', github(502), FleetFailure.githubUnavailable, false],
  ['OpenStack unauthorized', cloud('unauthorized'), FleetFailure.cloudUnauthorized, true],
  ['OpenStack forbidden', cloud('forbidden'), FleetFailure.cloudForbidden, true],
  ['OpenStack configuration', cloud('config'), FleetFailure.cloudConfig, true],
  ['OpenStack bad request', cloud('bad-request'), FleetFailure.cloudInvalidRequest, true],
  ['OpenStack ambiguous name', cloud('ambiguous'), FleetFailure.cloudInvalidRequest, true],
  ['OpenStack unavailable', cloud('unavailable'), FleetFailure.cloudUnavailable, false],
  ['planner unauthorized', new PlannerStreamError('unauthorized', 'p'), PlannerFailure.unauthorized, true],
  ['planner not found', new PlannerStreamError('not-found', 'p'), PlannerFailure.flavorNotFound, true],
  ['planner transient', new PlannerStreamError('transient', 'p'), PlannerFailure.unavailable, false],
] as const)('%s → %s, non-retryable: %p', (_what, err, type, nonRetryable) => {
  const failure = toActivityFailure(err);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ type, nonRetryable, message: err.message });
});

test('a rate limit is retried after the pause the service asked for', () => {
  const limited = new GitHubRateLimitedError('GitHub x: 403 rate limited', {
    status: 403,
    kind: 'secondary',
    retryAfterSeconds: 42,
  });
  expect(toActivityFailure(limited)).toMatchObject({
    type: FleetFailure.githubRateLimited,
    nonRetryable: false,
    nextRetryDelay: '42 s',
  });
  expect(toActivityFailure(cloud('rate-limited', 7000))).toMatchObject({
    type: FleetFailure.cloudRateLimited,
    nonRetryable: false,
    nextRetryDelay: 7000,
  });
});

test('anything else is left to the activity retry policy, unchanged', () => {
  const plain = new Error('socket hang up');
  expect(toActivityFailure(plain)).toBe(plain);
  const already = ApplicationFailure.nonRetryable('x', 'Mine');
  expect(toActivityFailure(already)).toBe(already);
});
