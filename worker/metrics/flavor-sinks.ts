import type { InjectedSinks } from '@temporalio/worker';
import type { FlavorMetricsSinks } from '../../contracts/flavor-metrics';
import type { WorkerMetrics } from './worker-metrics';

/**
 * The flavorMetrics sink the workflows call (contracts/flavor-metrics.ts), recording into the worker's
 * series. Every worker must register it, with or without metrics (then it records nothing): the SDK
 * logs an error for each call to a sink it does not know. The gauges are set on replay too, ending on
 * the values the history leads to; latencies are observed only live, once.
 */
export function flavorMetricsSinks(
  metrics?: Pick<WorkerMetrics, 'flavors' | 'forgetFlavor'>,
  clock = Date.now,
): InjectedSinks<FlavorMetricsSinks> {
  const series = metrics?.flavors;
  return {
    flavorMetrics: {
      gauges: {
        fn(_info, flavor, gauges) {
          if (!series) return;
          if (gauges.desired === undefined) series.expectedRunners.remove({ flavor });
          else series.expectedRunners.set({ flavor }, gauges.desired);
          series.fallbackActive.set({ flavor }, gauges.fallbackActive ? 1 : 0);
          series.cleanupInterval.set({ flavor }, gauges.cleanupIntervalSeconds);
          if (gauges.lastCleanupAt) series.lastCleanup.set({ flavor }, Date.parse(gauges.lastCleanupAt) / 1000);
        },
        callDuringReplay: true,
      },
      scaleUpAnswered: {
        fn(_info, flavor, riseAt) {
          const seconds = (clock() - Date.parse(riseAt)) / 1000;
          if (Number.isFinite(seconds)) series?.scaleUpLatency.observe({ flavor }, Math.max(seconds, 0));
        },
      },
      runnersBooted: {
        fn(_info, flavor, seconds) {
          for (const value of seconds) series?.runnerBoot.observe({ flavor }, value);
        },
      },
      ended: {
        fn: (_info, flavor) => metrics?.forgetFlavor(flavor),
        callDuringReplay: true,
      },
    },
  };
}
