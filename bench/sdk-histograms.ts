import type { MetricsExporterConfig } from '@temporalio/worker';
import { sdkMetricsExporter } from '../worker';

/**
 * Temporal core's own latency histograms of the worker under benchmark, read from its Prometheus
 * exporter: what the hops of create-hops.ts cannot see, inside core and between it and the server.
 * Core records whole milliseconds, rounded down (`dur.as_millis()` in sdk-core's telemetry/metrics.rs),
 * and its default buckets are coarse (1, 10, 50 ms…), so these get one bucket per millisecond up to
 * 30 ms. A quantile here is the upper bound of its bucket: a p50 of 5 means half took under 6 ms.
 */
export const SDK_HISTOGRAMS = [
  ['workflow_task_schedule_to_start_latency', 'workflow task scheduled → started (server, sticky queue)'],
  [
    'workflow_task_execution_latency',
    'workflow task in core → completed (its activations and any local activity it waits on)',
  ],
  ['local_activity_execution_latency', 'local activity execution (the create itself)'],
  ['local_activity_succeed_endtoend_latency', 'local activity scheduled → completed'],
] as const;

export type SdkHistogram = (typeof SDK_HISTOGRAMS)[number][0];

/** A histogram's quantiles as bucket upper bounds in ms (Infinity past the last bucket). */
export interface BucketQuantiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
}

/** Cumulative bucket counts by upper bound, summed over the series' labels (workflow and activity types). */
type Buckets = Map<number, number>;

const BUCKETS_MS = [...Array.from({ length: 30 }, (_, i) => i + 1), 40, 50, 75, 100, 150, 200, 300, 500, 1000];

/**
 * The worker's own SDK exporter (worker/metrics/sdk-exporter.ts, a free loopback port) with these
 * histograms' finer buckets: its settings for Runtime.install, and a reader of its histograms.
 */
export async function sdkHistogramExporter(): Promise<{
  telemetry: MetricsExporterConfig;
  read: () => Promise<Record<SdkHistogram, Buckets>>;
}> {
  const histogramBucketOverrides = Object.fromEntries(SDK_HISTOGRAMS.map(([name]) => [name, BUCKETS_MS]));
  const sdk = await sdkMetricsExporter({ histogramBucketOverrides });
  return { telemetry: sdk.telemetry, read: async () => parseHistograms(await sdk.scrape()) };
}

/** Each histogram's quantiles over what was recorded between two reads. */
export function histogramWindow(
  before: Record<SdkHistogram, Buckets>,
  after: Record<SdkHistogram, Buckets>,
): Record<SdkHistogram, BucketQuantiles> {
  const window = (name: SdkHistogram) =>
    [...after[name]].map(([le, count]): [number, number] => [le, count - (before[name].get(le) ?? 0)]);
  return Object.fromEntries(SDK_HISTOGRAMS.map(([name]) => [name, quantiles(window(name))])) as Record<
    SdkHistogram,
    BucketQuantiles
  >;
}

/** Nearest rank over cumulative buckets, as stats.ts's distribution: the first bucket holding the p-th sample. */
export function quantiles(cumulative: [number, number][]): BucketQuantiles {
  const sorted = [...cumulative].sort(([a], [b]) => a - b);
  const count = sorted.at(-1)?.[1] ?? 0;
  const rank = (p: number) => sorted.find(([, seen]) => seen >= Math.ceil((p / 100) * count))?.[0] ?? NaN;
  return count === 0 ? { count, p50: NaN, p90: NaN, p99: NaN } : { count, p50: rank(50), p90: rank(90), p99: rank(99) };
}

/** The `_bucket` lines of the asked histograms, summed by `le` over their other labels. */
export function parseHistograms(text: string): Record<SdkHistogram, Buckets> {
  const byName = Object.fromEntries(SDK_HISTOGRAMS.map(([name]) => [name, new Map<number, number>()])) as Record<
    SdkHistogram,
    Buckets
  >;
  for (const line of text.split('\n')) {
    const match = /^temporal_(\w+)_bucket\{.*\ble="([^"]+)"\}\s+(\S+)/.exec(line);
    if (!match || !(match[1] in byName)) continue;
    const buckets = byName[match[1] as SdkHistogram];
    const le = match[2] === '+Inf' ? Infinity : Number(match[2]);
    buckets.set(le, (buckets.get(le) ?? 0) + Number(match[3]));
  }
  return byName;
}
