import type { RunnerBootOptions } from './user-data';

/** Worker-side settings of the fleet, shared by every flavor this worker serves. */
export interface FleetOptions {
  /** Identifies this autoscaler's VMs among others in the same OpenStack project. */
  managerId: string;
  /** GitHub runner group (organisation scope); the default group when absent. */
  runnerGroup?: string;
  securityGroups?: string[];
  keyName?: string;
  boot?: RunnerBootOptions;
  /** Runners created at once within one create call. */
  createConcurrency: number;
}

export const defaultFleetOptions: FleetOptions = { managerId: 'runner-autoscaler', createConcurrency: 20 };
