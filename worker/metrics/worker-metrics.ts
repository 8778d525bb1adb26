import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RateLimitSnapshot } from '../../activities/github/client';
import type { RunnerState } from '../../contracts/activities';
import { flavorSeries, latencyHistogram } from './flavor-series';
import { StreamTracker } from './streams';

/**
 * Where the GitHub rate-limit gauges read from: the worker's GitHub connection, labelled by its API host,
 * and each of its credentials by its non-secret label (activities/github/credential-label.ts).
 */
export interface GitHubRateLimitSource {
  api: string;
  read(): readonly { label: string; rateLimit: RateLimitSnapshot }[];
}

export const runnerStates: readonly RunnerState[] = ['idle', 'busy', 'offline', 'booting', 'error'];

/**
 * The worker's own series, on a registry of their own (never prom-client's global one), named as the
 * original runner manager names them where one applies. Everything about a flavor carries `flavor`.
 */
export function createWorkerMetrics(options: { github?: GitHubRateLimitSource } = {}) {
  const registry = new Registry();
  const registers = [registry];
  const flavor = ['flavor'] as const;
  collectDefaultMetrics({ register: registry });
  const metrics = {
    registry,
    reconcileDuration: new Histogram({
      name: 'reconcile_duration_seconds',
      help: 'Duration of a cleanup tick (cleanupRunners: one VM list, one GitHub list, removals)',
      labelNames: flavor,
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    busyRunners: new Gauge({
      name: 'busy_runners_count',
      help: 'Runners running a job at the last cleanup tick',
      labelNames: flavor,
      registers,
    }),
    idleRunners: new Gauge({
      name: 'idle_runners_count',
      help: 'Runners online and idle at the last cleanup tick',
      labelNames: flavor,
      registers,
    }),
    runners: new Gauge({
      name: 'runners_count',
      help: 'Runners by state (idle, busy, offline, booting, error) at the last cleanup tick',
      labelNames: ['flavor', 'state'] as const,
      registers,
    }),
    createdRunners: new Counter({
      name: 'created_runners_total',
      help: 'Runners whose VM was created',
      labelNames: flavor,
      registers,
    }),
    createFailures: new Counter({
      name: 'create_failures_total',
      help: 'Runners a create could not make',
      labelNames: flavor,
      registers,
    }),
    deletedRunners: new Counter({
      name: 'deleted_runners_total',
      help: 'Runners deleted to scale down (idle) or by flush (busy); cleanup removals are cleanup_removed_total',
      labelNames: flavor,
      registers,
    }),
    deletedVms: new Counter({
      name: 'deleted_vms_total',
      help: 'VMs deleted, by scale-down, flush or cleanup',
      labelNames: flavor,
      registers,
    }),
    cleanupRemoved: new Counter({
      name: 'cleanup_removed_total',
      help: 'Runners a cleanup tick removed, by reason',
      labelNames: ['flavor', 'reason'] as const,
      registers,
    }),
    activityFailures: new Counter({
      name: 'activity_failures_total',
      help: 'Activity executions that failed (a pressure stream ends this way when the planner drops it)',
      labelNames: ['flavor', 'activity'] as const,
      registers,
    }),
    pressure: new Gauge({
      name: 'pressure',
      help: 'Last pressure value the planner stream delivered',
      labelNames: flavor,
      registers,
    }),
    pressureUpdates: new Counter({
      name: 'pressure_updates_total',
      help: 'Changed pressure values signalled to the flavor workflow',
      labelNames: flavor,
      registers,
    }),
    plannerFlavorMissingLines: new Counter({
      name: 'planner_flavor_missing_lines_total',
      help: "Planner stream lines without the flavor's key (the planner deleted the flavor), by the planner's flavor name",
      labelNames: flavor,
      registers,
    }),
    streamConnected: new Gauge({
      name: 'stream_connected',
      help: '1 while a planner stream on this worker has delivered a value and is still open',
      labelNames: flavor,
      registers,
    }),
    jobWait: latencyHistogram(
      registry,
      'job_wait_seconds',
      "Reactive mode: from a job's queued webhook to the in_progress one that names the flavor's runner taking it",
    ),
    flavors: flavorSeries(registry),
  };
  if (options.github) githubRateLimitGauge(registry, options.github);
  const { flavors } = metrics;
  const gauges = [metrics.busyRunners, metrics.idleRunners, metrics.pressure, metrics.streamConnected];
  const workflowGauges = [
    flavors.expectedRunners,
    flavors.fallbackActive,
    flavors.cleanupInterval,
    flavors.lastCleanup,
  ];
  /**
   * A flavor that ended (stopped, drained) leaves no gauge behind on this worker, so no rule goes on
   * reading its last values; counters and histograms stay, as Prometheus expects of them.
   */
  const forgetFlavor = (flavor: string) => {
    for (const gauge of [...gauges, ...workflowGauges]) gauge.remove({ flavor });
    for (const state of runnerStates) metrics.runners.remove({ flavor, state });
  };
  return { ...metrics, streams: new StreamTracker(metrics.streamConnected), forgetFlavor };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/**
 * Read at scrape time, one series per credential (a pool has several, each with its own budget); labelled
 * so that nothing is reported for a credential before GitHub has answered it once (not a false 0).
 */
function githubRateLimitGauge(registry: Registry, source: GitHubRateLimitSource): void {
  const gauge = (name: string, help: string, field: 'remaining' | 'limit') =>
    new Gauge({
      name,
      help,
      labelNames: ['api', 'credential'] as const,
      registers: [registry],
      collect() {
        for (const { label, rateLimit } of source.read()) {
          const value = rateLimit[field];
          if (value !== undefined) this.set({ api: source.api, credential: label }, value);
        }
      },
    });
  gauge(
    'github_api_rate_limit_remaining',
    'Requests left in the GitHub API rate-limit window of a credential (x-ratelimit-remaining of its last answer)',
    'remaining',
  );
  gauge(
    'github_api_rate_limit_limit',
    'Requests allowed in the GitHub API rate-limit window of a credential (x-ratelimit-limit of its last answer)',
    'limit',
  );
}
