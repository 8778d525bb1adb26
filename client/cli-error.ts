import { WorkflowNotFoundError } from '@temporalio/client';

/** An error the CLI reports as one line and an exit code: 1 for a failed operation, 2 for bad usage. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

export const notRunning = (flavor: string) => new CliError(`no running workflow for flavor "${flavor}"`);

/** Runs `operation` on a flavor's workflow; a workflow that is gone (or went meanwhile) becomes notRunning. */
export async function onRunningFlavor<T>(flavor: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notRunning(flavor);
    throw err;
  }
}

/** The reason a workflow gave for refusing an update (its validator's message), else the error's own. */
export function rejectionReason(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : (err as Error).message;
}

/** An SDK error's message with the server's own words (gRPC details) when it wraps them. */
export function describeError(err: unknown): string {
  const cause = (err as { cause?: { details?: unknown } }).cause;
  return typeof cause?.details === 'string' && cause.details ? cause.details : (err as Error).message;
}
