import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { PlannerFailure, type PressureStreamEnd, type PressureStreamRequest } from '../contracts/activities';
import type { PressureSignal } from '../contracts/definitions';

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
 */
export function createPressureStreamActivity(deps: { planner?: PressureSource; signalPressure: SignalPressure }) {
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
    // Heartbeat on a timer, not per line: the planner re-sends only every 30 s, the heartbeat timeout is 30 s.
    const heartbeatEvery = Math.max(Math.min((ctx.info.heartbeatTimeoutMs ?? 30_000) / 3, 10_000), 200);
    const heartbeat = setInterval(() => ctx.heartbeat(), heartbeatEvery);
    const sender = latestValueSender((pressure) => deps.signalPressure(run, { streamId: request.streamId, pressure }));
    sender.onError((err) => abort.abort(err));
    ctx.heartbeat();
    try {
      return await planner.streamPressure(request.plannerFlavor, {
        signal: abort.signal,
        stallTimeoutMs: request.stallTimeoutSeconds * 1000,
        onPressure: sender.offer,
      });
    } catch (err) {
      // A shutting-down worker cancels its activities: a planned handover, not a failure to log.
      if ((ctx.cancellationSignal.reason as Error | undefined)?.message === 'WORKER_SHUTDOWN') return 'worker-shutdown';
      throw toActivityFailure(err, abort.signal, ctx.cancellationSignal);
    } finally {
      // A signal still in flight should land before the workflow learns the stream ended (the
      // workflow drops late ones anyway); a Temporal outage must not hold the activity for long.
      await Promise.race([sender.settled(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      clearInterval(heartbeat);
      ctx.cancellationSignal.removeEventListener('abort', onCancel);
    }
  };
}

function toActivityFailure(err: unknown, aborted: AbortSignal, cancelled: AbortSignal): unknown {
  if (cancelled.aborted) return new CancelledFailure('pressure stream cancelled');
  if (aborted.aborted && aborted.reason instanceof RunClosedError) {
    return new CancelledFailure('the workflow run this stream fed has closed');
  }
  const message = err instanceof Error ? err.message : String(err);
  switch ((err as { kind?: string }).kind) {
    case 'unauthorized':
      return ApplicationFailure.nonRetryable(message, PlannerFailure.unauthorized);
    case 'not-found':
      return ApplicationFailure.nonRetryable(message, PlannerFailure.flavorNotFound);
    default:
      return ApplicationFailure.retryable(message, PlannerFailure.unavailable);
  }
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
    offer(value: number): void {
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
  return err instanceof Error && err.name === 'WorkflowNotFoundError';
}
