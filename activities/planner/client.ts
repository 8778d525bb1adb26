import { request, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import { NdjsonSplitter } from './ndjson';
import { parsePressureLine, type PressureLineReason } from './pressure-line';
import { createRedactor } from '../redact';

/**
 * How a pressure stream failed. 'unauthorized' and 'not-found' need an operator (a new token, a
 * flavor that exists), so retrying them is pointless; every other failure is 'transient'.
 */
export type PlannerStreamErrorKind = 'unauthorized' | 'not-found' | 'transient';

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

/** Why a received line was skipped: the line parser's reasons, plus lines over the length cap. */
export type SkipReason = PressureLineReason | 'line-too-long';

export interface PlannerClientOptions {
  /** The planner's base URL, e.g. https://planner.example:8080 (a path prefix is kept). */
  baseUrl: string;
  /** Bearer token; it goes into the Authorization header and nowhere else (no message, no log). */
  token: string | (() => string);
  /** undici's global dispatcher when absent. */
  dispatcher?: Dispatcher;
  /** Time allowed to connect and receive the response head; default 10 s. */
  connectTimeoutMs?: number;
}

export interface StreamPressureOptions {
  signal: AbortSignal;
  /** Silence (no line at all, valid or not) longer than this fails the stream as transient. */
  stallTimeoutMs: number;
  /** Called for every valid value line, keep-alive repeats included: de-duplicating is the caller's job. */
  onPressure: (pressure: number) => void;
  /** Called for every line received, valid or not (a sign of life, e.g. for heartbeats). */
  onLine?: () => void;
}

/** How much of an error answer's body goes into the error message. */
const ERROR_BODY_EXCERPT_BYTES = 300;

/** Thrown by our own callbacks' wrapper so their exceptions pass through unclassified. */
class CallerError {
  constructor(readonly error: unknown) {}
}

/** Client of the planner's NDJSON pressure stream: `GET {base}/api/v1/flavors/{flavor}/pressure?stream=true`. */
export class PlannerClient {
  private readonly baseUrl: string;
  private readonly token: string;
  private readonly dispatcher?: Dispatcher;
  private readonly connectTimeoutMs: number;
  private readonly skippedLines: Record<SkipReason, number> = {
    'malformed-json': 0,
    'not-an-object': 0,
    'missing-flavor': 0,
    'not-a-non-negative-integer': 0,
    'line-too-long': 0,
  };

  constructor(options: PlannerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = typeof options.token === 'function' ? options.token() : options.token;
    this.dispatcher = options.dispatcher;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  /** Lines skipped so far by reason, over all streams of this client. */
  get skipped(): Record<SkipReason, number> {
    return { ...this.skippedLines };
  }

  /**
   * Streams the flavor's pressure until something goes wrong: never resolves. Rejects with a
   * PlannerStreamError, with the signal's abort reason once `signal` is aborted, or with whatever
   * `onPressure`/`onLine` threw. On every way out the HTTP request is torn down.
   */
  async streamPressure(flavor: string, options: StreamPressureOptions): Promise<never> {
    const { signal } = options;
    signal.throwIfAborted();
    const where = `planner pressure stream for flavor "${flavor}" at ${safeOrigin(this.baseUrl)}`;
    // One controller for the request: the caller's abort and our watchdog both end it through undici.
    const teardown = new AbortController();
    const onAbort = () => teardown.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    // One watchdog, in two roles: first it bounds connecting plus the response head (undici's own
    // headersTimeout ticks at about 1 s and excludes connecting), then it is the stall timer, refreshed per line.
    const fail = (reason: string) => () => teardown.abort(new PlannerStreamError('transient', `${where}: ${reason}`));
    let watchdog = setTimeout(fail(`no response within ${this.connectTimeoutMs} ms`), this.connectTimeoutMs);
    try {
      const response = await request(
        `${this.baseUrl}/api/v1/flavors/${encodeURIComponent(flavor)}/pressure?stream=true`,
        {
          method: 'GET',
          headers: { authorization: `Bearer ${this.token}`, accept: 'application/x-ndjson' },
          dispatcher: this.dispatcher,
          signal: teardown.signal,
          // Silence is judged per line by the watchdog, not per chunk by undici.
          bodyTimeout: 0,
        },
      );
      clearTimeout(watchdog);
      watchdog = setTimeout(fail(`stalled, no line for ${options.stallTimeoutMs} ms`), options.stallTimeoutMs);
      if (response.statusCode !== 200) {
        // A planner that echoes the Authorization header back must not put the token into our messages.
        const excerpt = createRedactor([this.token])(await readExcerpt(response.body));
        throw statusError(where, response.statusCode, excerpt);
      }
      await this.readLines(flavor, response.body, options, () => watchdog.refresh());
      throw new PlannerStreamError('transient', `${where}: the planner ended the stream`);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (err instanceof CallerError) throw err.error;
      // Before the teardown reason: a status error stands even if the watchdog cut its body short.
      if (err instanceof PlannerStreamError) throw err;
      if (teardown.signal.aborted) throw teardown.signal.reason;
      throw new PlannerStreamError('transient', `${where}: ${describeNetworkError(err)}`, { cause: err });
    } finally {
      clearTimeout(watchdog);
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async readLines(
    flavor: string,
    body: Readable,
    options: StreamPressureOptions,
    alive: () => void,
  ): Promise<void> {
    const splitter = new NdjsonSplitter();
    const received = (line: string | undefined) => {
      alive();
      call(options.onLine);
      if (line === undefined) return this.skip('line-too-long');
      if (line.trim() === '') return;
      const parsed = parsePressureLine(line, flavor);
      if (parsed.ok) call(() => options.onPressure(parsed.pressure));
      else this.skip(parsed.reason);
    };
    for await (const chunk of body) {
      const tooLongBefore = splitter.tooLong;
      for (const line of splitter.push(chunk)) received(line);
      // Over-long lines come after the chunk's other lines: only their count matters, not their place.
      for (let n = splitter.tooLong - tooLongBefore; n > 0; n -= 1) received(undefined);
    }
    const last = splitter.end();
    if (last !== undefined) received(last);
  }

  private skip(reason: SkipReason): void {
    this.skippedLines[reason] += 1;
  }
}

function call(callback: (() => void) | undefined): void {
  try {
    callback?.();
  } catch (error) {
    throw new CallerError(error);
  }
}

function statusError(where: string, status: number, excerpt: string): PlannerStreamError {
  const detail = `${where}: HTTP ${status}${excerpt ? ` ${excerpt}` : ''}`;
  if (status === 401 || status === 403) {
    return new PlannerStreamError('unauthorized', `${detail} (check the planner token)`, { status });
  }
  if (status === 404) return new PlannerStreamError('not-found', `${detail} (unknown flavor?)`, { status });
  return new PlannerStreamError('transient', detail, { status });
}

/**
 * The start of an error answer, for the message. Bounded in bytes and in time (the request's watchdog
 * still runs), since an erring planner may also send an endless or silent body.
 */
async function readExcerpt(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes >= ERROR_BODY_EXCERPT_BYTES) break;
    }
  } catch {
    // The status is what matters; a body cut short just makes a shorter message.
  }
  body.destroy();
  const text = Buffer.concat(chunks).subarray(0, ERROR_BODY_EXCERPT_BYTES).toString('utf8');
  return text.replace(/\s+/g, ' ').trim();
}

/** Scheme, host and port only: a base URL could carry user:password. */
function safeOrigin(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return 'an invalid base URL';
  }
}

function describeNetworkError(err: unknown): string {
  const { code, message } = (err ?? {}) as { code?: string; message?: string };
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `connection lost (${message ?? code})`;
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'no response in time';
    default:
      return code ? `${code}${message ? ` ${message}` : ''}` : (message ?? String(err));
  }
}
