import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { flavorWorkflowId, type FlavorWorkflow } from '../contracts/flavor-workflow';
import { notRunning } from './cli-error';

export type FlavorHandle = WorkflowHandle<FlavorWorkflow>;

/** The handle of a flavor's running workflow (its latest run), or notRunning when it is absent or closed. */
export async function runningFlavor(client: Client, flavor: string): Promise<FlavorHandle> {
  const handle = client.workflow.getHandle<FlavorWorkflow>(flavorWorkflowId(flavor));
  try {
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') throw notRunning(flavor);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notRunning(flavor);
    throw err;
  }
  return handle;
}
