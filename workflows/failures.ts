import { TimeoutType } from '@temporalio/common';
import { ActivityFailure, ApplicationFailure, TemporalFailure, TimeoutFailure } from '@temporalio/workflow';

/** The innermost failure of an activity error: the application failure or timeout that caused it. */
function rootCause(err: unknown): unknown {
  let current = err;
  while (current instanceof ActivityFailure && current.cause) current = current.cause;
  return current;
}

/** The ApplicationFailure type of an activity error, if it has one. */
export function failureType(err: unknown): string | undefined {
  const cause = rootCause(err);
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/** A one-line account of an activity error for the state and the logs. */
export function describeFailure(err: unknown): string {
  const cause = rootCause(err);
  if (cause instanceof TimeoutFailure) return `activity timed out (${cause.timeoutType})`;
  if (cause instanceof ApplicationFailure && cause.type) return `${cause.type}: ${cause.message}`;
  if (cause instanceof TemporalFailure || cause instanceof Error) return cause.message;
  return String(cause);
}

/**
 * An activity whose heartbeats stopped: its worker died or hung (the stream activity heartbeats on its
 * own timer whatever the planner does; a silent planner is a PlannerUnavailable failure instead).
 */
export function heartbeatLost(err: unknown): boolean {
  const cause = rootCause(err);
  return cause instanceof TimeoutFailure && cause.timeoutType === TimeoutType.HEARTBEAT;
}
