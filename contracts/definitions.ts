/** Signals, queries and updates of the flavor workflow: the one place both the workflow and clients import. */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { JobMessage } from './activities';
import type { FlavorSettingsInput } from './settings';
import type { ApplySettingsResult, FlavorState, FlushReport, FlushRequest } from './state';

/** From the pressure-stream activity: a changed value on connection `streamId`. */
export interface PressureSignal {
  streamId: number;
  pressure: number;
  /** When the planner token this connection used was read (an ISO time, never the token). */
  tokenReadAt?: string;
}
export const pressureSignal = defineSignal<[PressureSignal]>('pressure');

/** Operator: `temporal workflow signal --workflow-id flavor-small --name setFallbackRunners --input 3`. */
export const setFallbackRunnersSignal = defineSignal<[unknown]>('setFallbackRunners');

/** Operator, validated: rejects non-integers, negatives and values above maxRunners; answers the new state. */
export const setFallbackRunnersUpdate = defineUpdate<FlavorState, [unknown]>('setFallbackRunners');

export const stateQuery = defineQuery<FlavorState>('state');

/**
 * `apply`: new settings for the running workflow, validated like a start's input (the flavor must stay
 * the same). Changed settings take effect through continue-as-new, which carries the state over.
 */
export const applySettingsUpdate = defineUpdate<ApplySettingsResult, [FlavorSettingsInput]>('applySettings');

/** `flush`: remove the idle runners now (with `busy`, every runner); answers what was removed. */
export const flushUpdate = defineUpdate<FlushReport, [FlushRequest]>('flush');

/** Reactive mode: a queued job, by signal-with-start from the webhook intake; duplicates are dropped. */
export const jobSignal = defineSignal<[JobMessage]>('job');
