import type { Sinks } from '@temporalio/workflow';

/**
 * What a flavor workflow tells its worker's metrics, through a sink (`proxySinks`): the worker runs these
 * calls after each workflow activation, on its own clock, and nothing of them enters the history. The
 * gauges are sent again on replay, so a worker that picks a flavor up after a restart learns its current
 * values; the observations are not, so each one is counted once, by the worker that saw it happen.
 */
export interface FlavorMetricsSinks extends Sinks {
  flavorMetrics: {
    /** The workflow's view of the flavor, sent whenever part of it changed. */
    gauges(flavor: string, gauges: FlavorGauges): void;
    /**
     * A create that made runners answered, serving the pressure rise that reached the workflow at
     * `riseAt` (workflow time, an ISO string): the worker observes its own clock minus that.
     */
    scaleUpAnswered(flavor: string, riseAt: string): void;
    /** Runners a cleanup tick saw online for the first time: seconds from their VM's creation to that tick. */
    runnersBooted(flavor: string, seconds: number[]): void;
    /** The flavor's workflow ended, stopped and drained: its gauges go (sent again on replay too). */
    ended(flavor: string): void;
  };
}

export interface FlavorGauges {
  /** Undefined while nothing decides it (planner mode before its first pressure). */
  desired?: number;
  /** The planner outage outlasted its grace: desired is the fallback count. */
  fallbackActive: boolean;
  cleanupIntervalSeconds: number;
  /** When the last cleanup tick ended (workflow time, ISO), if one has in this flavor's life. */
  lastCleanupAt?: string;
}
