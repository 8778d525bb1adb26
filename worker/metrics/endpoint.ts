import type { MetricsExporterConfig } from '@temporalio/worker';
import { sdkMetricsExporter } from './sdk-exporter';
import { startMetricsServer, type MetricsServerOptions } from './server';
import { createWorkerMetrics, type GitHubRateLimitSource, type WorkerMetrics } from './worker-metrics';

export interface MetricsEndpoint {
  metrics: WorkerMetrics;
  /** Give it to Runtime.install (telemetryOptions.metrics) before the worker connects. */
  sdkTelemetry: MetricsExporterConfig;
  url: string;
  close(): Promise<void>;
}

/**
 * The worker's /metrics and /health: its own series, the Temporal SDK's appended, and the worker's
 * state. It listens at once, before the Runtime exists: /health says 503 STARTING meanwhile.
 */
export async function startMetricsEndpoint(options: {
  host: string;
  port: number;
  workerState: () => string;
  github?: GitHubRateLimitSource;
  secrets?: MetricsServerOptions['secrets'];
}): Promise<MetricsEndpoint> {
  const sdk = await sdkMetricsExporter();
  const metrics = createWorkerMetrics({ github: options.github });
  const server = await startMetricsServer({
    host: options.host,
    port: options.port,
    registry: metrics.registry,
    extra: sdk.scrape,
    workerState: options.workerState,
    secrets: options.secrets,
  });
  return { metrics, sdkTelemetry: sdk.telemetry, url: server.url, close: server.close };
}
