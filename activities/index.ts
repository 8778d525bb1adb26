import { mappingFailures } from './failure-mapping';
import { heartbeating } from './heartbeat';
import type { CheckJobRequest, CheckJobResult, RunnerActivities } from '../contracts/activities';
import { createPressureStreamActivity, type PressureSource, type SignalPressure } from './pressure-stream';

/** The runner-lifecycle half of the activities: OpenStack VMs joined with GitHub registrations. */
export type RunnerFleet = Pick<
  RunnerActivities,
  'createRunners' | 'cleanupRunners' | 'deleteIdleRunners' | 'deleteBusyRunners'
>;

/** Reactive mode's look at a job on GitHub. */
export interface JobChecker {
  checkJob(request: CheckJobRequest): Promise<CheckJobResult>;
}

export interface ActivityDeps {
  /** Absent when the worker has no planner configured (static flavors only). */
  planner?: PressureSource;
  /** When the planner token in use was read, for the workflow state (never the token). */
  plannerTokenReadAt?: () => string | undefined;
  signalPressure: SignalPressure;
  fleet: RunnerFleet;
  jobs: JobChecker;
}

/** All activities of the flavor workflow, built from the clients the worker (or a test) hands in. */
export function createActivities(deps: ActivityDeps): RunnerActivities {
  return {
    streamPressure: createPressureStreamActivity(deps),
    createRunners: mappingFailures((request) => deps.fleet.createRunners(request)),
    cleanupRunners: heartbeating(mappingFailures((request) => deps.fleet.cleanupRunners(request))),
    deleteIdleRunners: heartbeating(mappingFailures((request) => deps.fleet.deleteIdleRunners(request))),
    deleteBusyRunners: heartbeating(mappingFailures((request) => deps.fleet.deleteBusyRunners(request))),
    checkJob: mappingFailures((request) => deps.jobs.checkJob(request)),
  };
}
