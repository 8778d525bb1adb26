/**
 * The one error type the OpenStack client throws. `retryable` is the caller's cue (an activity maps it to a
 * retryable or non-retryable failure); messages name the service, method and path but never a secret.
 */
export type OpenStackErrorKind =
  | 'config'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'ambiguous'
  | 'bad-request'
  | 'conflict'
  | 'rate-limited'
  | 'unavailable'
  | 'server-error'
  | 'network'
  | 'invalid-response';

export class OpenStackError extends Error {
  override readonly name = 'OpenStackError';
  readonly kind: OpenStackErrorKind;
  readonly retryable: boolean;
  /** HTTP status, when the cloud answered. */
  readonly status?: number;
  /** Set from Retry-After when the cloud asked for a pause longer than the client waits by itself. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    details: { kind: OpenStackErrorKind; retryable: boolean; status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = details.kind;
    this.retryable = details.retryable;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Maps an HTTP error status to a kind; only 429 and 5xx are worth retrying. */
export function kindOfStatus(status: number): { kind: OpenStackErrorKind; retryable: boolean } {
  if (status === 401) return { kind: 'unauthorized', retryable: false };
  if (status === 403) return { kind: 'forbidden', retryable: false };
  if (status === 404) return { kind: 'not-found', retryable: false };
  if (status === 409) return { kind: 'conflict', retryable: false };
  if (status === 429) return { kind: 'rate-limited', retryable: true };
  if (status === 502 || status === 503 || status === 504) return { kind: 'unavailable', retryable: true };
  if (status >= 500) return { kind: 'server-error', retryable: true };
  return { kind: 'bad-request', retryable: false };
}

export function isOpenStackError(err: unknown, kind?: OpenStackErrorKind): err is OpenStackError {
  return err instanceof OpenStackError && (kind === undefined || err.kind === kind);
}
