/**
 * The flavor workflow as clients see it: its type name, its id per flavor and its input. Starting it
 * goes through `startFlavor` (contracts/start-flavor.ts); nothing else names the type.
 */
import type { FlavorSettingsInput } from './settings';
import type { CarriedState } from './state';

/** The workflow's type: the name the worker registers (workflows/index.ts exports a function of this name). */
export const FLAVOR_WORKFLOW_TYPE = 'flavorReconciler';

/** The workflow input: settings (only `flavor` is required) and, after continue-as-new, the carried state. */
export interface FlavorReconcilerInput {
  settings: FlavorSettingsInput;
  carried?: CarriedState;
}

/** The workflow's signature, which workflows/flavor-reconciler.ts implements and clients start. */
export type FlavorWorkflow = (input: FlavorReconcilerInput) => Promise<void>;

export const flavorWorkflowId = (flavor: string): string => `flavor-${flavor}`;

/** The flavor a workflow id names; undefined for any other id. */
export function flavorOfWorkflowId(workflowId: string): string | undefined {
  const prefix = flavorWorkflowId('');
  return workflowId.startsWith(prefix) && workflowId.length > prefix.length
    ? workflowId.slice(prefix.length)
    : undefined;
}
