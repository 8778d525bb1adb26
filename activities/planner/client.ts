import { Agent, request, type Dispatcher } from 'undici';
import type { Readable } from 'node:stream';
import { refusal, PlannerStreamError } from './errors';
import { NdjsonSplitter } from './ndjson';
import { parsePressureLine, type PressureLineReason } from './pressure-line';
import { createRedactor } from '../redact';

export { PlannerStreamError, type PlannerStreamErrorKind } from './errors';

/** Why a received line was skipped: the line parser's reasons, plus lines over the length cap. */
export type SkipReason = Exclude<PressureLineReason, 'missing-flavor'> | 'line-too-long';

export interface PlannerClientOptions {
  /** The planner's base URL, e.g. https://planner.example:8080 (a path prefix is kept). */
  baseUrl: string;
  /**
   * Bearer token, or a function that reads it: called at each connect, so a rotated token is used on
   * the next connect without a restart. It goes into the Authorization header and nowhere else.
   */
  token: string | (() => string);
  /** A dispatcher of the caller's; by default the client's own, with TCP keep-alive (keepAliveInitialDelayMs). */
  dispatcher?: Dispatcher;
  /** Time allowed to connect, receive the response head and the first value; default 10 s. */
  connectTimeoutMs?: number;
  /** Idle time before the kernel probes the planner's side of a stream; default 15 s. */
  keepAliveInitialDelayMs?: number;
  /** Called for each line without the flavor's key (the planner deleted the flavor), e.g. for a metric. */
  onFlavorMissingLine?: (flavor: string) => void;
}

export interface StreamPressureOptions {
  signal: AbortSignal;
  /** Silence (no line at all, valid or not) longer than this, once the stream is open, ends it as 'stalled'. */
  stallTimeoutMs: number;
  /** Called for every valid value line, keep-alive repeats included: de-duplicating is the caller's job. */
  onPressure: (pressure: number) => void;
  /** Called for every line received, valid or not (a sign of life, e.g. for heartbeats). */
  onLine?: () => void;
}

/** How much of an error answer's body goes into the error message. */
const ERROR_BODY_EXCERPT_BYTES = 300;
/**
 * A dead peer (a planner host gone, a connection a firewall forgot) sends nothing, not even a reset:
 * only TCP keep-alive notices it while the stream is silent, as it mostly is with the planner's shared
 * ticker. With libuv's probes (1 s apart, 10 of them: uv__tcp_keepalive in libuv's src/unix/tcp.c, Node
 * 20's libuv) a dead peer ends the stream about 25 s into a silence; a probe costs an empty segment.
 */
const DEFAULT_KEEPALIVE_INITIAL_DELAY_MS = 15_000;
/** What an Authorization header can carry: visible ASCII, no space (RFC 6750's b64token fits in it). */
const HEADER_SAFE_TOKEN = /^[\x21-\x7e]+$/;

/** Thrown by our own callbacks' wrapper so their exceptions pass through unclassified. */
class CallerError extends Error {
  constructor(readonly error: unknown) {
    super('a stream callback threw');
  }
}

/** What the line reader needs to know and tell of one stream. */
interface StreamPhase {
  where: string;
  /** True once the stream delivered a value: from then on it is open, and judged by the stall timeout. */
  isOpen(): boolean;
  opened(): void;
  /** A line arrived. */
  alive(): void;
}

/** Client of the planner's NDJSON pressure stream: `GET {base}/api/v1/flavors/{flavor}/pressure?stream=true`. */
export class PlannerClient {
  private readonly baseUrl: string;
  private readonly token: string | (() => string);
  private readonly dispatcher: Dispatcher;
  private readonly connectTimeoutMs: number;
  private readonly onFlavorMissingLine?: (flavor: string) => void;
  private readonly skippedLines: Record<SkipReason, number> = {
    'malformed-json': 0,
    'not-an-object': 0,
    'not-a-non-negative-integer': 0,
    'line-too-long': 0,
  };

  constructor(options: PlannerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        connect: {
          keepAlive: true,
          keepAliveInitialDelay: options.keepAliveInitialDelayMs ?? DEFAULT_KEEPALIVE_INITIAL_DELAY_MS,
        },
      });
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.onFlavorMissingLine = options.onFlavorMissingLine;
  }

  /** Lines skipped so far by reason, over all streams of this client. */
  get skipped(): Record<SkipReason, number> {
    return { ...this.skippedLines };
  }

  /**
   * Streams the flavor's pressure until something goes wrong: never resolves. Rejects with a
   * PlannerStreamError (its kind tells a failed connect from the end of an open stream), with the
   * signal's abort reason once `signal` is aborted, or with whatever a callback threw. On every way out
   * the HTTP request is torn down.
   */
  async streamPressure(flavor: string, options: StreamPressureOptions): Promise<never> {
    const { signal } = options;
    signal.throwIfAborted();
    const where = `planner pressure stream for flavor "${flavor}" at ${safeOrigin(this.baseUrl)}`;
    const token = this.readToken(where);
    // One controller for the request: the caller's abort and our watchdog both end it through undici.
    const teardown = new AbortController();
    const onAbort = () => teardown.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let headReceived = false;
    let open = false;
    // One watchdog, in two roles. First it bounds the connect: connecting, the response head and the
    // first value, which the planner writes at once (undici's own headersTimeout ticks at about 1 s and
    // excludes connecting). Then it is the stall timer, refreshed per line.
    let watchdog = setTimeout(() => {
      const waited = headReceived ? 'no pressure value' : 'no response';
      teardown.abort(new PlannerStreamError('transient', `${where}: ${waited} within ${this.connectTimeoutMs} ms`));
    }, this.connectTimeoutMs);
    const phase: StreamPhase = {
      where,
      isOpen: () => open,
      opened: () => {
        open = true;
        clearTimeout(watchdog);
        const stalled = `${where}: stalled, no line for ${options.stallTimeoutMs} ms`;
        watchdog = setTimeout(() => teardown.abort(new PlannerStreamError('stalled', stalled)), options.stallTimeoutMs);
      },
      alive: () => {
        if (open) watchdog.refresh();
      },
    };
    try {
      const response = await request(
        `${this.baseUrl}/api/v1/flavors/${encodeURIComponent(flavor)}/pressure?stream=true`,
        {
          method: 'GET',
          headers: { authorization: `Bearer ${token}`, accept: 'application/x-ndjson' },
          dispatcher: this.dispatcher,
          signal: teardown.signal,
          // Silence is judged per line by the watchdog, not per chunk by undici.
          bodyTimeout: 0,
        },
      );
      headReceived = true;
      if (response.statusCode !== 200) {
        // A planner that echoes the Authorization header back must not put the token into our messages.
        const excerpt = createRedactor([token])(await readExcerpt(response.body));
        throw refusal(where, response.statusCode, excerpt);
      }
      await this.readLines(flavor, response.body, options, phase);
      throw new PlannerStreamError(open ? 'lost' : 'transient', `${where}: the planner ended the stream`);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (err instanceof CallerError) throw err.error;
      // Before the teardown reason: a status error stands even if the watchdog cut its body short.
      if (err instanceof PlannerStreamError) throw err;
      if (teardown.signal.aborted) throw teardown.signal.reason;
      throw new PlannerStreamError(open ? 'lost' : 'transient', `${where}: ${describeNetworkError(err)}`, {
        cause: err,
      });
    } finally {
      clearTimeout(watchdog);
      teardown.abort();
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** The token for this connect; one that cannot be read or sent is an authentication failure, told at once. */
  private readToken(where: string): string {
    let token: string;
    try {
      token = typeof this.token === 'function' ? this.token() : this.token;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new PlannerStreamError('unauthorized', `${where}: the planner token could not be read: ${reason}`);
    }
    if (!HEADER_SAFE_TOKEN.test(token)) {
      throw new PlannerStreamError(
        'unauthorized',
        `${where}: the planner token is empty or holds spaces or control characters`,
      );
    }
    return token;
  }

  private async readLines(
    flavor: string,
    body: Readable,
    options: StreamPressureOptions,
    phase: StreamPhase,
  ): Promise<void> {
    const splitter = new NdjsonSplitter();
    const received = (line: string | undefined) => {
      phase.alive();
      call(options.onLine);
      if (line === undefined) return this.skip('line-too-long');
      if (line.trim() === '') return;
      const parsed = parsePressureLine(line, flavor);
      if (parsed.ok) {
        if (!phase.isOpen()) phase.opened();
        return call(() => options.onPressure(parsed.pressure));
      }
      if (parsed.reason !== 'missing-flavor') return this.skip(parsed.reason);
      call(() => this.onFlavorMissingLine?.(flavor));
      // On an open stream, the planner's sign that it deleted the flavor: reconnecting lets its 404 speak.
      if (phase.isOpen()) {
        throw new PlannerStreamError(
          'flavor-missing',
          `${phase.where}: a line without the flavor (deleted at the planner?)`,
        );
      }
      throw new PlannerStreamError('not-found', `${phase.where}: the planner's lines hold no value for this flavor`);
    };
    for await (const chunk of body as AsyncIterable<Buffer>) {
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

/**
 * The start of an error answer, for the message. Bounded in bytes and in time (the request's watchdog
 * still runs), since an erring planner may also send an endless or silent body.
 */
async function readExcerpt(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
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
    case 'ETIMEDOUT':
      return "connection timed out (the planner's host stopped answering)";
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'no response in time';
    default:
      return code ? `${code}${message ? ` ${message}` : ''}` : (message ?? String(err));
  }
}
