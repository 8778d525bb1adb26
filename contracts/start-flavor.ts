/**
 * Starting a flavor's workflow, the one way every client does it (`apply`, the embedded demo, the
 * benchmarks, the tests). Not part of the workflow bundle: it needs the Temporal client.
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { FLAVOR_WORKFLOW_TYPE, flavorWorkflowId, type FlavorWorkflow } from './flavor-workflow';
import type { FlavorSettingsInput } from './settings';
import type { CarriedState } from './state';

export interface StartFlavorOptions {
  taskQueue: string;
  settings: FlavorSettingsInput;
  carried?: CarriedState;
  /** Non-secret notes on the execution, shown by Temporal's UI and CLI. */
  memo?: Record<string, unknown>;
}

export interface StartedFlavor {
  handle: WorkflowHandle<FlavorWorkflow>;
  /** False when the flavor's workflow was running already: it is left as it is, settings included. */
  started: boolean;
  /** The run this call started (continue-as-new chains start there); absent when it was running already. */
  firstRunId?: string;
}

/**
 * Starts `flavor-<name>`, or answers the running one. A closed workflow of that id is started again
 * (Temporal's default reuse policy), so a stopped flavor can be brought back by the same call.
 */
export async function startFlavor(client: Client, options: StartFlavorOptions): Promise<StartedFlavor> {
  const workflowId = flavorWorkflowId(options.settings.flavor);
  try {
    const handle = await client.workflow.start<FlavorWorkflow>(FLAVOR_WORKFLOW_TYPE, {
      taskQueue: options.taskQueue,
      workflowId,
      args: [{ settings: options.settings, carried: options.carried }],
      memo: options.memo,
    });
    return { handle, started: true, firstRunId: handle.firstExecutionRunId };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { handle: client.workflow.getHandle<FlavorWorkflow>(workflowId), started: false };
  }
}
