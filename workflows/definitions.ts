import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { FlavorState } from './types';

/** Signals, queries and updates of the flavor workflow: the one place both the workflow and clients import. */

export const flavorWorkflowId = (flavor: string): string => `flavor-${flavor}`;

/** From the pressure-stream activity: a changed value on connection `streamId`. */
export interface PressureSignal {
  streamId: number;
  pressure: number;
}
export const pressureSignal = defineSignal<[PressureSignal]>('pressure');

/** Operator: `temporal workflow signal --workflow-id flavor-small --name setFallbackRunners --input 3`. */
export const setFallbackRunnersSignal = defineSignal<[unknown]>('setFallbackRunners');

/** Operator, validated: rejects non-integers, negatives and values above maxRunners; answers the new state. */
export const setFallbackRunnersUpdate = defineUpdate<FlavorState, [unknown]>('setFallbackRunners');

export const stateQuery = defineQuery<FlavorState>('state');
