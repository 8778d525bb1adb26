import http from 'node:http';

/**
 * The real planner's error answers, as observed: `text/plain` bodies with a trailing newline.
 * - 400 `invalid authorization header`: the Authorization header is missing or not `Bearer <token>`;
 * - 401 `unauthorized` with `Www-Authenticate: Bearer`: a token it does not accept;
 * - 404 `flavor not found`;
 * - 405 with `Allow: GET, HEAD`;
 * - 500 `failed to verify auth token` while its database is down, otherwise `internal server error`.
 */
export interface PlannerError {
  status: number;
  text: string;
  headers?: http.OutgoingHttpHeaders;
}

export const plannerErrors = {
  invalidAuthorization: { status: 400, text: 'invalid authorization header' },
  unauthorized: { status: 401, text: 'unauthorized', headers: { 'www-authenticate': 'Bearer' } },
  flavorNotFound: { status: 404, text: 'flavor not found' },
  methodNotAllowed: { status: 405, text: 'method not allowed', headers: { allow: 'GET, HEAD' } },
  internal: { status: 500, text: 'internal server error' },
  tokenUnverifiable: { status: 500, text: 'failed to verify auth token' },
} satisfies Record<string, PlannerError>;

/** Unknown paths: a 404 that is not `flavor not found`, so a wrong base URL is told apart from a deleted flavor. */
export const pathNotFound: PlannerError = { status: 404, text: 'not found' };

/**
 * The answer to an injected status: the planner's own error for it where it has one, else the status's
 * reason phrase (a 503 comes from a gateway in front of the planner, not from the planner).
 */
export function injectedError(status: number): PlannerError {
  // The first of a status is its general one: an injected 500 is `internal server error`.
  const own = Object.values(plannerErrors).find((error) => error.status === status);
  return own ?? { status, text: (http.STATUS_CODES[status] ?? `status ${status}`).toLowerCase() };
}

export function writeError(res: http.ServerResponse, error: PlannerError, echo?: string): void {
  if (res.destroyed) return;
  const text = echo === undefined ? error.text : `${error.text} (authorization: ${echo})`;
  res.writeHead(error.status, { 'content-type': 'text/plain; charset=utf-8', ...error.headers });
  res.end(`${text}\n`);
}
