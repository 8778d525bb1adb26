import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { PlannerFailure, type PressureStreamEnd, type PressureStreamRequest } from '../contracts/activities';
import type { PressureSignal } from '../contracts/definitions';
import { toActivityFailure } from './failure-mapping';
import { heartbeatEveryMs } from './heartbeat';
import { createReconnectPolicy } from './planner/reconnect-policy';

/** What the pressure-stream activity needs of a planner client (activities/planner/client.ts). */
export interface PressureSource {
  streamPressure(
    flavor: string,
    options: {
      signal: AbortSignal;
      stallTimeoutMs: number;
      onPressure: (pressure: number) => void;
      onLine?: () => void;
    },
  ): Promise<never>;
}

/** Delivers a pressure value to one workflow run; rejects with WorkflowNotFoundError once that run is closed. */
export type SignalPressure = (run: { workflowId: string; runId: string }, signal: PressureSignal) => Promise<void>;

export class RunClosedError extends Error {}

/**
 * The long-lived stream: each *changed* value is signalled to the run that started this activity (by
 * run id, so a stream left over from before continue-as-new cannot feed the new run and stops when its
 * run has closed). Signals go out one at a time and only the newest pending value is sent: a burst of
 * changes during one round trip costs one signal, never a queue.
 *
 * Silence alone never changes desired: a stalled stream, or one the planner keeps open on lines without
 * the flavor, is reconnected here at once (reconnect-policy.ts), the last value kept; the planner sends
 * the current value on connect, which is signalled only if it changed. Only a failed connect (refused,
 * timed out, an HTTP error) ends the activity, as a failure that starts the workflow's outage path.
 */
export function createPressureStreamActivity(deps: {
  planner?: PressureSource;
  signalPressure: SignalPressure;
  /** When the planner token in use was read (it is read at each connect); shown in the workflow state. */
  plannerTokenReadAt?: () => string | undefined;
}) {
  return async function streamPressure(request: PressureStreamRequest): Promise<PressureStreamEnd> {
    const { planner } = deps;
    if (!planner) {
      throw ApplicationFailure.nonRetryable('this worker has no planner configured', PlannerFailure.unavailable);
    }
    const ctx = Context.current();
    const run = ctx.info.workflowExecution;
    if (!run) throw ApplicationFailure.nonRetryable('streamPressure runs only on behalf of a workflow');
    const abort = new AbortController();
    const onCancel = () => abort.abort(ctx.cancellationSignal.reason);
    ctx.cancellationSignal.addEventListener('abort', onCancel);
    // Heartbeat on a timer, not per line: a stream may hear nothing for minutes (the planner's shared
    // keep-alive ticker), the heartbeat timeout is 30 s.
    const heartbeat = setInterval(() => ctx.heartbeat(), heartbeatEveryMs(ctx));
    const sender = latestValueSender((pressure) =>
      deps.signalPressure(run, { streamId: request.streamId, pressure, tokenReadAt: deps.plannerTokenReadAt?.() }),
    );
    sender.onError((err) => abort.abort(err));
    ctx.heartbeat();
    // The stall timeout (the workflow's streamStallTimeoutSeconds) is how long an open stream may be
    // silent before it is reconnected. With the planner's shared ticker (one keep-alive line per 30 s,
    // round robin) each of N open streams hears a keep-alive only every N × 30 s: with the old 90 s, any
    // planner with more than 3 streams stalls its idle ones all the time. A stall is now harmless (a
    // reconnect, one line), but each costs the planner a request and a token check against its database,
    // and each reconnect may meet a planner blip, which is a failed connect: N streams stalling every T
    // seconds cost N / T reconnects a second (1000 flavors: 11/s at 90 s, 3.3/s at 300 s). A dead peer is
    // caught anyway by TCP keep-alive (the client's, about 25 s), so the stall timeout is left only a
    // planner that holds the connection but stopped writing: a value missed for one stall period. Hence
    // 300 s, the cleanup interval: a lone flavor hears 10 keep-alives per stall period, stalls start
    // above 10 streams per planner, and a hung stream costs at most what the fallback grace tolerates.
    const stallTimeoutMs = request.stallTimeoutSeconds * 1000;
    const reconnect = createReconnectPolicy(stallTimeoutMs);
    try {
      for (;;) {
        try {
          return await planner.streamPressure(request.plannerFlavor, {
            signal: abort.signal,
            stallTimeoutMs,
            onPressure: sender.offer,
          });
        } catch (err) {
          if (abort.signal.aborted || !reconnect.reconnects(err)) throw err;
          // Aborted while waiting: end as the stream itself would have, with the abort's reason.
          await sleep(reconnect.delayMs(), undefined, { signal: abort.signal }).catch(() => {
            throw abort.signal.reason;
          });
        }
      }
    } catch (err) {
      // A shutting-down worker cancels its activities: a planned handover, not a failure to log.
      if (ctx.cancellationDetails?.workerShutdown) return 'worker-shutdown';
      throw streamFailure(err, abort.signal, ctx.cancellationSignal);
    } finally {
      // A signal still in flight should land before the workflow learns the stream ended (the
      // workflow drops late ones anyway); a Temporal outage must not hold the activity for long.
      await Promise.race([sender.settled(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      clearInterval(heartbeat);
      ctx.cancellationSignal.removeEventListener('abort', onCancel);
    }
  };
}

/** How the stream ended: cancelled (its run is over or cancelled it), or the planner's failure as mapped. */
function streamFailure(err: unknown, aborted: AbortSignal, cancelled: AbortSignal): unknown {
  if (cancelled.aborted) return new CancelledFailure('pressure stream cancelled');
  if (aborted.aborted && aborted.reason instanceof RunClosedError) {
    return new CancelledFailure('the workflow run this stream fed has closed');
  }
  const mapped = toActivityFailure(err);
  if (mapped !== err) return mapped;
  return ApplicationFailure.retryable(err instanceof Error ? err.message : String(err), PlannerFailure.unavailable);
}

/** Sends values in order, one in flight at a time, skipping values superseded while one was in flight. */
function latestValueSender(send: (value: number) => Promise<void>) {
  let lastOffered: number | undefined;
  let pending: number | undefined;
  let inFlight = false;
  let fail: (err: unknown) => void = () => {};
  let pumping: Promise<void> = Promise.resolve();
  const pump = async () => {
    inFlight = true;
    while (pending !== undefined) {
      const value = pending;
      pending = undefined;
      try {
        await send(value);
      } catch (err) {
        fail(isWorkflowGone(err) ? new RunClosedError(String(err)) : err);
        break;
      }
    }
    inFlight = false;
  };
  return {
    offer: (value: number): void => {
      if (value === lastOffered) return;
      lastOffered = value;
      pending = value;
      if (!inFlight) pumping = pump();
    },
    /** Resolves when no signal is in flight; values still pending are dropped (the stream is over). */
    settled(): Promise<void> {
      pending = undefined;
      return pumping;
    },
    onError(handler: (err: unknown) => void): void {
      fail = handler;
    },
  };
}

function isWorkflowGone(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError;
}
