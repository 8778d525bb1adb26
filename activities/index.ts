import type { RunnerActivities } from './interfaces';
import { createPressureStreamActivity, type PressureSource, type SignalPressure } from './pressure-stream';

/** The runner-lifecycle half of the activities: OpenStack VMs joined with GitHub registrations. */
export type RunnerFleet = Pick<RunnerActivities, 'createRunners' | 'cleanupRunners' | 'deleteIdleRunners'>;

export interface ActivityDeps {
  /** Absent when the worker has no planner configured (static flavors only). */
  planner?: PressureSource;
  signalPressure: SignalPressure;
  fleet: RunnerFleet;
}

/** All activities of the flavor workflow, built from the clients the worker (or a test) hands in. */
export function createActivities(deps: ActivityDeps): RunnerActivities {
  return {
    streamPressure: createPressureStreamActivity(deps),
    createRunners: (request) => deps.fleet.createRunners(request),
    cleanupRunners: (request) => deps.fleet.cleanupRunners(request),
    deleteIdleRunners: (request) => deps.fleet.deleteIdleRunners(request),
  };
}
