import { Context } from '@temporalio/activity';
import type { CleanupRunnersResult, RunnerActivities, RunnerInfo } from '../../contracts/activities';
import { flavorOfWorkflowId } from '../../contracts/flavor-workflow';
import { runnerStates, type WorkerMetrics } from './worker-metrics';

/**
 * The activities as the worker registers them, each recording what it did in the worker's metrics on
 * the way out. Results pass through untouched; an activity's failure is counted and rethrown as is.
 * Activities added to the contract later pass through unmeasured.
 */
export function instrumentActivities(activities: RunnerActivities, metrics: WorkerMetrics): RunnerActivities {
  const failing =
    (flavor: string, activity: keyof RunnerActivities) =>
    (err: unknown): never => {
      metrics.activityFailures.inc({ flavor, activity });
      throw err;
    };

  return {
    ...activities,

    async streamPressure(request) {
      const run = Context.current().info.workflowExecution;
      const flavor = run ? (flavorOfWorkflowId(run.workflowId) ?? run.workflowId) : '';
      metrics.streams.started(flavor);
      try {
        return await activities.streamPressure(request).catch(failing(flavor, 'streamPressure'));
      } finally {
        if (run) metrics.streams.ended(flavor, { runId: run.runId, streamId: request.streamId });
      }
    },

    async createRunners(request) {
      const { flavor } = request.spec;
      const result = await activities.createRunners(request).catch((err: unknown) => {
        metrics.createFailures.inc({ flavor }, request.names.length);
        return failing(flavor, 'createRunners')(err);
      });
      metrics.createdRunners.inc({ flavor }, result.created.length);
      metrics.createFailures.inc({ flavor }, result.failed.length);
      return result;
    },

    async cleanupRunners(request) {
      const { flavor } = request.spec;
      const stopTimer = metrics.reconcileDuration.startTimer({ flavor });
      const result = await activities
        .cleanupRunners(request)
        .catch(failing(flavor, 'cleanupRunners'))
        .finally(stopTimer);
      recordCleanup(metrics, flavor, result);
      return result;
    },

    async deleteIdleRunners(request) {
      const { flavor } = request.spec;
      const result = await activities.deleteIdleRunners(request).catch(failing(flavor, 'deleteIdleRunners'));
      recordDeleted(metrics, flavor, request.candidates, result.deleted);
      return result;
    },

    async deleteBusyRunners(request) {
      const { flavor } = request.spec;
      const result = await activities.deleteBusyRunners(request).catch(failing(flavor, 'deleteBusyRunners'));
      recordDeleted(metrics, flavor, request.candidates, result.deleted);
      return result;
    },
  };
}

function recordCleanup(metrics: WorkerMetrics, flavor: string, { runners, removed }: CleanupRunnersResult): void {
  for (const state of runnerStates) {
    metrics.runners.set({ flavor, state }, runners.filter((runner) => runner.state === state).length);
  }
  metrics.busyRunners.set({ flavor }, runners.filter((runner) => runner.state === 'busy').length);
  metrics.idleRunners.set({ flavor }, runners.filter((runner) => runner.state === 'idle').length);
  for (const { reason } of removed) {
    metrics.cleanupRemoved.inc({ flavor, reason });
    // A dangling registration has no VM; every other removal deletes one.
    if (reason !== 'registration_without_vm') metrics.deletedVms.inc({ flavor });
  }
}

function recordDeleted(metrics: WorkerMetrics, flavor: string, candidates: RunnerInfo[], deleted: string[]): void {
  const gone = new Set(deleted);
  metrics.deletedRunners.inc({ flavor }, gone.size);
  metrics.deletedVms.inc({ flavor }, candidates.filter((runner) => gone.has(runner.name) && runner.vmId).length);
}
