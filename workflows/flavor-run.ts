import type { FlavorSettings } from '../contracts/settings';
import type { ConsumerPool } from './consumers';
import type { ReconcilerState } from './reconciler-state';

/** What every step of one run works with: its settings, its state and, in reactive mode, its consumers. */
export interface FlavorRun {
  settings: FlavorSettings;
  state: ReconcilerState;
  consumers: ConsumerPool;
}

/** Workflow time as ISO text (the SDK makes `Date` deterministic inside a workflow). */
export const now = (): string => new Date().toISOString();
