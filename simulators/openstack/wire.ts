import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Reply } from '../http';
import type { TokenInfo } from './identity';
import type { SimService } from './types';

/** How a route sees a request, how it is routed, and how answers and errors go on the wire. */

export interface Context {
  service: SimService;
  method: string;
  params: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  token?: TokenInfo;
  /** Negotiated compute microversion. */
  microversion: string;
  /** The endpoint this request came in on, e.g. `http://127.0.0.1:1234/compute/v2.1`. */
  endpoint: string;
}

export interface Route {
  service: SimService;
  method: string;
  pattern: RegExp;
  route: string;
  /** The version documents and token issue need no token. */
  public?: boolean;
  handle: (ctx: Context) => Reply;
}

/** Each service's own error body: Nova `{"itemNotFound": {...}}`, Neutron `{"NeutronError": ...}`, Glance text. */
export function errorReply(service: SimService, status: number, message: string): Reply {
  if (status === 401 || service === 'identity') {
    const title = status === 401 ? 'Unauthorized' : 'Error';
    return { status, body: { error: { code: status, title, message } } };
  }
  if (service === 'image') {
    return {
      status,
      body: `${status} ${statusText(status)}\n\n${message}\n\n   `,
      headers: { 'Content-Type': 'text/plain' },
    };
  }
  if (service === 'network') {
    return { status, body: { NeutronError: { type: statusText(status).replace(/ /g, ''), message, detail: '' } } };
  }
  const key: Record<number, string> = {
    400: 'badRequest',
    403: 'forbidden',
    404: 'itemNotFound',
    406: 'notAcceptable',
    413: 'overLimit',
    429: 'overLimit',
    503: 'serviceUnavailable',
  };
  return { status, body: { [key[status] ?? 'computeFault']: { code: status, message } } };
}

/**
 * The 401 for a missing, unknown, expired or revoked token: keystonemiddleware's, in front of every
 * service, and Keystone's own, naming where to authenticate.
 */
export function unauthorized(identityUrl: string): Reply {
  const reply = errorReply('identity', 401, 'The request you have made requires authentication.');
  return { ...reply, headers: { 'WWW-Authenticate': `Keystone uri="${identityUrl}"` } };
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    404: 'Not Found',
    406: 'Not Acceptable',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return texts[status] ?? 'Error';
}

export function send(res: ServerResponse, reply: Reply): void {
  const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(text && { 'Content-Type': 'application/json' }),
    'x-openstack-request-id': `req-${randomUUID()}`,
    ...reply.headers,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export const notFound = (service: SimService, what: string) => errorReply(service, 404, what);
