import { asHttpError, headerOf, type HttpError } from './http-error';
import { rateLimitOf } from './rate-limits';

/**
 * What the GitHub client throws. `retryable` is the caller's cue (an activity maps it to a retryable or
 * non-retryable failure). Messages name the operation, the status and GitHub's own message, passed through
 * the client's redactor; no error keeps the octokit error as `cause`, since that holds request options and
 * response data that end up in logs and in Temporal's failure details.
 */
export class GitHubApiError extends Error {
  override readonly name: string = 'GitHubApiError';
  /** HTTP status, when GitHub answered. */
  readonly status?: number;
  readonly retryable: boolean;
  /** x-github-request-id, for GitHub support. */
  readonly requestId?: string;

  constructor(message: string, details: { status?: number; retryable: boolean; requestId?: string }) {
    super(message);
    this.status = details.status;
    this.retryable = details.retryable;
    this.requestId = details.requestId;
  }
}

/**
 * GitHub asked for a pause longer than the client waits inside a call (or kept asking after a few waits).
 * Always retryable, after `retryAfterSeconds`: an activity schedules that retry instead of sleeping for an hour.
 */
export class GitHubRateLimitedError extends GitHubApiError {
  override readonly name: string = 'GitHubRateLimitedError';
  readonly kind: 'primary' | 'secondary';
  readonly retryAfterSeconds: number;

  constructor(
    message: string,
    details: { status: number; kind: 'primary' | 'secondary'; retryAfterSeconds: number; requestId?: string },
  ) {
    super(message, { status: details.status, retryable: true, requestId: details.requestId });
    this.kind = details.kind;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** 409 from generate-jitconfig: a runner of this name is registered already, typically by an earlier attempt. */
export class RunnerNameTaken extends GitHubApiError {
  override readonly name: string = 'RunnerNameTaken';
  /** What the fleet's registry port looks for (activities/fleet/ports.ts): a typed kind, not a name. */
  readonly kind = 'runner-name-taken';
  readonly runnerName: string;

  constructor(runnerName: string, requestId?: string) {
    super(`GitHub already has a runner named "${runnerName}"`, { status: 409, retryable: false, requestId });
    this.runnerName = runnerName;
  }
}

/** Maps whatever an octokit call threw to the client's errors, scrubbed by `redact`. */
export function toGitHubError(err: unknown, operation: string, redact: (text: string) => string): GitHubApiError {
  if (err instanceof GitHubApiError) return err;
  const http = asHttpError(err);
  if (!http) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const text = timedOut ? 'timed out' : redact(err instanceof Error ? err.message : String(err));
    return new GitHubApiError(`GitHub ${operation}: ${text}`, { retryable: timedOut });
  }
  if (!http.response) {
    // Octokit's status 500 without an answer: the connection failed, or the attempt timed out.
    return new GitHubApiError(`GitHub ${operation}: no answer (${redact(http.message)})`, { retryable: true });
  }
  const message = `GitHub ${operation}: ${http.status} ${redact(http.message)}${failedRequest(http)}`;
  const requestId = headerOf(http, 'x-github-request-id');
  const limit = rateLimitOf(http);
  if (limit) return new GitHubRateLimitedError(message, { status: http.status, ...limit, requestId });
  return new GitHubApiError(message, { status: http.status, retryable: http.status >= 500, requestId });
}

/** The method and path that failed: not always the operation's own (the installation token request, say). */
function failedRequest(http: HttpError): string {
  const { method, url } = http.request ?? {};
  return method && url && URL.canParse(url) ? ` (${method} ${new URL(url).pathname})` : '';
}
