/**
 * How a pressure stream ended. The first three are failed connects: 'unauthorized' and 'not-found'
 * need an operator (a new token, a flavor that exists), every other one is 'transient'. The last three
 * end a stream that was open (it had delivered a value): 'stalled' (silence past the stall timeout),
 * 'flavor-missing' (a valid line without the flavor's key: the planner deleted the flavor) and 'lost'
 * (the connection was cut or ended).
 */
export type PlannerStreamErrorKind = 'unauthorized' | 'not-found' | 'transient' | 'stalled' | 'flavor-missing' | 'lost';

export class PlannerStreamError extends Error {
  override readonly name = 'PlannerStreamError';
  readonly kind: PlannerStreamErrorKind;
  /** The HTTP status, when the planner answered with one other than 200. */
  readonly status?: number;

  constructor(kind: PlannerStreamErrorKind, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.kind = kind;
    this.status = options.status;
  }
}

/**
 * A refused connect, from its status and the start of its body, as the real planner answers them
 * (`text/plain`, a trailing newline; see simulators/planner/errors.ts):
 * - 400 `invalid authorization header` (the header was missing or not `Bearer`): our token is unusable,
 *   so it is an authentication failure, not a transient one; another 400 is transient;
 * - 401 `unauthorized` (and a 403 from a gateway): a token the planner does not accept;
 * - 404 `flavor not found`; another 404 body means the URL is not the planner's API;
 * - 500 `failed to verify auth token`: the planner's database is down, transient; any other status too.
 */
export function refusal(where: string, status: number, body: string): PlannerStreamError {
  const detail = `${where}: HTTP ${status}${body ? ` ${body}` : ''}`;
  const error = (kind: PlannerStreamErrorKind, hint?: string) =>
    new PlannerStreamError(kind, hint ? `${detail} (${hint})` : detail, { status });
  if (status === 400 && body === 'invalid authorization header')
    return error('unauthorized', 'the planner refused the Authorization header');
  if (status === 401 || status === 403) return error('unauthorized', 'check the planner token');
  if (status === 404 && body === 'flavor not found') return error('not-found', 'no such flavor at the planner');
  if (status === 404) return error('not-found', 'is the URL the planner API?');
  if (status === 500 && body === 'failed to verify auth token') {
    return error('transient', 'the planner cannot check tokens: its database is down?');
  }
  return error('transient');
}
