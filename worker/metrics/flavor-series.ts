import { Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Startup latencies run from seconds (a create answered at once) to tens of minutes (a VM image that
 * boots slowly, a job queued behind a full flavor); the buckets cover both ends, up to an hour.
 */
export const latencyBuckets = [1, 2, 5, 10, 15, 30, 45, 60, 90, 120, 180, 300, 450, 600, 900, 1200, 1800, 2700, 3600];

export function latencyHistogram(registry: Registry, name: string, help: string): Histogram<'flavor'> {
  return new Histogram({ name, help, labelNames: ['flavor'], buckets: latencyBuckets, registers: [registry] });
}

/** The series the flavor workflows feed through their sink (flavor-sinks.ts), labelled by flavor. */
export function flavorSeries(registry: Registry) {
  const gauge = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ['flavor'] as const, registers: [registry] });
  return {
    expectedRunners: gauge('expected_runners_count', 'The desired runner count, as the flavor workflow decides it'),
    fallbackActive: gauge(
      'fallback_active',
      '1 while a planner outage has outlasted its grace and desired is the fallback count',
    ),
    cleanupInterval: gauge('cleanup_interval_seconds', "The flavor's cleanupIntervalSeconds setting"),
    lastCleanup: gauge('last_cleanup_timestamp_seconds', "When the flavor's last cleanup tick ended (Unix time)"),
    scaleUpLatency: latencyHistogram(
      registry,
      'scale_up_latency_seconds',
      'From a pressure rise reaching the flavor workflow to the create request that served it answered with runners',
    ),
    runnerBoot: latencyHistogram(
      registry,
      'runner_boot_seconds',
      'From a VM created to the cleanup tick that first saw its runner online at GitHub (late by up to one interval)',
    ),
  };
}

export type FlavorSeries = ReturnType<typeof flavorSeries>;
