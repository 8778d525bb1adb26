import type { WorkflowClientInterceptor } from '@temporalio/client';
import { pressureSignal, type PressureSignal } from '../../contracts/definitions';
import { flavorOfWorkflowId } from '../../contracts/flavor-workflow';
import type { WorkerMetrics } from './worker-metrics';

/**
 * Sees each pressure value the stream activities signal through the worker's client, once the signal
 * is accepted: the pressure gauge, the update count, and the stream as connected. An interceptor on the
 * client rather than a wrapper inside buildActivities: the stream activity keeps its one way to signal.
 */
export function pressureObserver(metrics: WorkerMetrics): WorkflowClientInterceptor {
  return {
    async signal(input, next) {
      await next(input);
      if (input.signalName !== pressureSignal.name) return;
      const { workflowId, runId } = input.workflowExecution;
      const { streamId, pressure } = input.args[0] as PressureSignal;
      const flavor = flavorOfWorkflowId(workflowId) ?? workflowId;
      metrics.pressure.set({ flavor }, pressure);
      metrics.pressureUpdates.inc({ flavor });
      if (runId) metrics.streams.delivered(flavor, { runId, streamId });
    },
  };
}
