import { flavorWorkflowId } from '../../workflows/definitions';

const prefix = flavorWorkflowId('');

/** The flavor a workflow id names (`flavor-<name>`, see flavorWorkflowId); undefined for any other id. */
export function flavorOfWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith(prefix) && workflowId.length > prefix.length
    ? workflowId.slice(prefix.length)
    : undefined;
}
