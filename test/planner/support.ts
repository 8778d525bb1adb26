import { request } from 'undici';
import { PlannerStreamError, type PlannerClient } from '../../activities/planner/client';
import { NdjsonSplitter } from '../../activities/planner/ndjson';
import { eventually as poll } from '../support/wait';

export { sleep } from '../support/wait';

/** Polls `check` until it holds; fails with `what` after `timeoutMs`. */
export function eventually(check: () => boolean, what: string, timeoutMs = 5_000): Promise<boolean> {
  return poll(
    async () => check(),
    (held) => held,
    { what, timeoutMs, intervalMs: 10 },
  );
}

/** One running stream and what it delivered so far. */
export interface Watch {
  values: number[];
  lines: number;
  abort: AbortController;
  /** Settles with the stream's rejection reason (streamPressure never resolves). */
  failure: Promise<unknown>;
}

export function watch(client: PlannerClient, flavor: string, stallTimeoutMs = 10_000): Watch {
  const abort = new AbortController();
  const watched: Watch = { values: [], lines: 0, abort, failure: Promise.resolve() };
  watched.failure = client
    .streamPressure(flavor, {
      signal: abort.signal,
      stallTimeoutMs,
      onPressure: (pressure) => watched.values.push(pressure),
      onLine: () => (watched.lines += 1),
    })
    .then(
      () => new Error('streamPressure resolved'),
      (err: unknown) => err,
    );
  return watched;
}

/** Streams that a test file opens and aborts after each test. */
export function trackedStreams() {
  const open: Watch[] = [];
  return {
    stream: (client: PlannerClient, flavor: string, stallTimeoutMs?: number): Watch => {
      const watched = watch(client, flavor, stallTimeoutMs);
      open.push(watched);
      return watched;
    },
    abortAll(): void {
      for (const watched of open.splice(0)) watched.abort.abort();
    },
  };
}

/** How a watched stream failed: always a PlannerStreamError, whose message never holds the token. */
export async function streamFailure(watched: Watch, token: string): Promise<PlannerStreamError> {
  const err = await watched.failure;
  expect(err).toBeInstanceOf(PlannerStreamError);
  expect((err as Error).message).not.toContain(token);
  return err as PlannerStreamError;
}

/** A stream read raw, line by line: what the planner wrote, not what a client made of it. */
export interface RawStream {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  lines: string[];
  /** Settles when the body ends or fails: undefined for a clean end, else the error. */
  ended: Promise<unknown>;
  close(): void;
}

export function openRaw(url: string, token?: string): RawStream {
  const abort = new AbortController();
  const raw: RawStream = { lines: [], ended: Promise.resolve(), close: () => abort.abort() };
  raw.ended = request(url, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    signal: abort.signal,
  }).then(
    async (response) => {
      raw.status = response.statusCode;
      raw.headers = response.headers;
      const splitter = new NdjsonSplitter();
      try {
        for await (const chunk of response.body) raw.lines.push(...splitter.push(chunk));
      } catch (err) {
        return err;
      }
      return undefined;
    },
    (err: unknown) => err,
  );
  return raw;
}

/** Raw streams that a test file opens and closes after each test. */
export function trackedRawStreams() {
  const open: RawStream[] = [];
  return {
    open(url: string, token?: string): RawStream {
      const raw = openRaw(url, token);
      open.push(raw);
      return raw;
    },
    closeAll(): void {
      for (const raw of open.splice(0)) raw.close();
    },
  };
}

/** One plain request: status, headers and the body as text. */
export async function call(
  url: string,
  options: { method?: string; token?: string; authorization?: string; body?: unknown } = {},
) {
  const authorization = options.authorization ?? (options.token === undefined ? undefined : `Bearer ${options.token}`);
  const response = await request(url, {
    method: (options.method ?? 'GET') as 'GET',
    headers: authorization === undefined ? {} : { authorization },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}
