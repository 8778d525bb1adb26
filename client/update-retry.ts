import { ServiceError, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';

/** gRPC FAILED_PRECONDITION: the server's answer when the workflow task that was to run an update failed. */
const FAILED_PRECONDITION = 9;
const ATTEMPTS = 3;

/**
 * Executes an update, sending it again when the server refused it because the workflow task meant to
 * run it failed (a task that timed out on a busy worker, say): the update was never accepted, so nothing
 * happened and a second send is safe. A validator's rejection or any other error is thrown at once.
 */
export async function executeUpdateRetrying<Ret, Args extends [unknown, ...unknown[]]>(
  handle: WorkflowHandle,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
): Promise<Ret> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle.executeUpdate(update, { args });
    } catch (err) {
      const refused = err instanceof ServiceError && (err.cause as { code?: number })?.code === FAILED_PRECONDITION;
      if (!refused || attempt >= ATTEMPTS) throw err;
    }
  }
}
