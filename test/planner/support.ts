import { PlannerStreamError, type PlannerClient } from '../../activities/planner/client';
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
    stream(client: PlannerClient, flavor: string, stallTimeoutMs?: number): Watch {
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
