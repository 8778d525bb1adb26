import { request, type Dispatcher } from 'undici';
import { OpenStackError, kindOfStatus } from './errors';
import { createRedactor } from '../redact';

/** One HTTP exchange with an OpenStack API: JSON in, JSON (or text) out, no retries. */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Exchange {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  timeoutMs: number;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | undefined>;
  /** Parsed JSON, the text of a non-JSON answer, or undefined when empty. */
  body: unknown;
}

/** Connection failures where the request surely never reached the server: safe to repeat for any method. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export class NetworkError extends OpenStackError {
  /** False when the failure came before the request was sent. */
  readonly maybeProcessed: boolean;

  constructor(message: string, code: string | undefined, cause: unknown) {
    super(message, { kind: 'network', retryable: true, cause });
    this.maybeProcessed = code === undefined || !NOT_CONNECTED.has(code);
  }
}

export async function exchange(x: Exchange): Promise<HttpResult> {
  let response: Dispatcher.ResponseData;
  let text: string;
  try {
    response = await request(x.url, {
      method: x.method,
      headers: x.headers,
      body: x.body,
      dispatcher: x.dispatcher,
      signal: x.signal,
      headersTimeout: x.timeoutMs,
      bodyTimeout: x.timeoutMs,
    });
    text = await response.body.text();
  } catch (err) {
    if (x.signal?.aborted) throw err;
    const code = errorCode(err);
    throw new NetworkError(`${describe(x)}: ${code ?? 'connection failed'}`, code, err);
  }
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: response.statusCode, headers, body: parseBody(text, headers['content-type']) };
}

const redactShapes = createRedactor([]);

/** The error for a 4xx/5xx answer, with the cloud's own message (never the request, which may hold a secret). */
export function statusError(x: Pick<Exchange, 'method' | 'url'>, result: HttpResult): OpenStackError {
  const { kind, retryable } = kindOfStatus(result.status);
  const detail = cloudMessage(result.body);
  return new OpenStackError(`${describe(x)}: ${result.status}${detail ? ` ${detail}` : ''}`, {
    kind,
    retryable,
    status: result.status,
    retryAfterMs: parseRetryAfter(result.headers['retry-after']),
  });
}

/** Retry-After as seconds or an HTTP date, in milliseconds. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('json') || /^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Nova wraps errors as `{"itemNotFound": {"message": ...}}`, Keystone as `{"error": {...}}`, Neutron as
 * `{"NeutronError": {...}}`; Glance answers plain text.
 */
function cloudMessage(body: unknown): string | undefined {
  let message: unknown;
  if (typeof body === 'string') {
    message = body.replace(/<[^>]*>/g, ' ');
  } else if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const inner = Object.values(record).find((v) => v && typeof v === 'object' && 'message' in v);
    message = (inner as { message?: unknown } | undefined)?.message ?? record.message ?? record.title;
  }
  if (typeof message !== 'string') return undefined;
  // Nova quotes rejected values, and a proxy may echo the request: never carry user data onwards.
  return redactShapes(message.replace(/\s+/g, ' ').trim());
}

function describe(x: Pick<Exchange, 'method' | 'url'>): string {
  const url = new URL(x.url);
  return `${x.method} ${url.origin}${url.pathname}`;
}

function errorCode(err: unknown): string | undefined {
  for (let e = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
