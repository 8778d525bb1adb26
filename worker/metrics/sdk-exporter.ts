import type { MetricsExporterConfig } from '@temporalio/worker';
import { freePort } from '../ports';

export interface SdkMetrics {
  /** For `Runtime.install({ telemetryOptions: { metrics } })`. */
  telemetry: MetricsExporterConfig;
  /** The SDK's own Prometheus text, read from its exporter. */
  scrape: () => Promise<string>;
}

/**
 * The Temporal SDK core serves its runtime metrics (task slots, poll and schedule latencies, sticky
 * cache…) from an HTTP exporter of its own; this puts that exporter on a loopback port nobody else
 * needs to know, and the worker's /metrics appends its scrape, so Prometheus has one target. The port
 * is chosen free just before the core binds it: a race with another process is possible, and would
 * only cost the SDK's part of the scrape. The SDK's names and units stay its defaults, the ones
 * Temporal's own SDK dashboards expect; a histogram's buckets may be overridden (by its name without
 * the `temporal_` prefix: "applies regardless of name prefixing", the SDK's runtime-options.d.ts).
 */
export async function sdkMetricsExporter(
  options: { histogramBucketOverrides?: Record<string, number[]> } = {},
): Promise<SdkMetrics> {
  const bindAddress = `127.0.0.1:${await freePort()}`;
  return {
    telemetry: { prometheus: { bindAddress, histogramBucketOverrides: options.histogramBucketOverrides } },
    async scrape() {
      const response = await fetch(`http://${bindAddress}/metrics`, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`the SDK's metrics exporter answered ${response.status}`);
      return response.text();
    },
  };
}
