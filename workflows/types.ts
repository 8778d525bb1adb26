import type { RunnerSpec } from '../activities/interfaces';
import type { JobQueueData } from './job-queue';
import type { ReactiveMetricStats } from './reactive';

/**
 * How a flavor decides its desired runner count: the planner's pressure, a static count, or the legacy
 * reactive rule (runners + job consumers == maxRunners, with jobs from the flavor's queue).
 */
export type FlavorMode = 'planner' | 'static' | 'reactive';

/**
 * What an operator gives one flavor's workflow. No secret belongs here: the planner URL and token,
 * cloud and GitHub credentials live on the worker.
 */
export interface FlavorSettings extends RunnerSpec {
  /** The flavor name the planner knows (defaults to `flavor`). */
  plannerFlavor: string;
  mode: FlavorMode;
  minRunners: number;
  /** 0 = no cap. */
  maxRunners: number;
  /** Desired count while the planner stream is down. */
  fallbackRunners: number;
  cleanupIntervalSeconds: number;
  bootTimeoutSeconds: number;
  /** Reconnect backoff after a stream failure: doubles from the initial delay up to the cap. */
  streamBackoffInitialSeconds: number;
  streamBackoffMaxSeconds: number;
  streamStallTimeoutSeconds: number;
  /** Continue as new when the history reaches this many events (or earlier, when the server suggests it). */
  continueAsNewAfterEvents: number;
  /** Reactive mode: how long a job's runner may wait for the job to be picked up before the next attempt. */
  jobPickupWindowSeconds: number;
  /** Reactive mode: the runner architecture label a job may ask for (x64, arm64). */
  architecture: string;
  /** Reactive mode: an unpicked runner's job is retried after this delay, doubling up to the cap... */
  jobRetryInitialSeconds: number;
  jobRetryMaxSeconds: number;
  /** ...and dropped after this many attempts. */
  jobMaxAttempts: number;
}

/** What `apply` and the workflow input accept: any settings, only `flavor` required. */
export type FlavorSettingsInput = Partial<FlavorSettings> & Pick<FlavorSettings, 'flavor'>;

/** The workflow input: settings (only `flavor` is required) and, after continue-as-new, the carried state. */
export interface FlavorReconcilerInput {
  settings: FlavorSettingsInput;
  carried?: CarriedState;
}

export interface StreamStatus {
  connected: boolean;
  /** Time of the last connect or disconnect (ISO). */
  since?: string;
  /** Connections attempted after the first. */
  reconnects: number;
  lastError?: string;
  /** Delay before the next reconnect while disconnected, in seconds. */
  retryInSeconds?: number;
}

export interface CleanupReport {
  at: string;
  /** Set when the tick failed (after its activity's retries); the next tick tries again. */
  error?: string;
  removed: { name: string; reason: string }[];
  created: number;
  deleted: string[];
  keptBusy: string[];
  runners: number;
  /** Reactive mode: consumers started (positive) or stopped, and the reconcile's metric events. */
  reactive?: { processesDiff: number; metricStats: ReactiveMetricStats };
}

export interface Totals {
  created: number;
  createFailures: number;
  removedByCleanup: number;
  deleted: number;
  pressureUpdates: number;
  cleanupTicks: number;
}

export interface RejectedInput {
  at: string;
  handler: string;
  reason: string;
}

/** The answer of `applySettings`: the fields whose value changed (none: nothing happens). */
export interface ApplySettingsResult {
  changed: string[];
}

/** `flush`: remove every idle runner now; with `busy`, busy ones too (their jobs are killed). */
export interface FlushRequest {
  busy?: boolean;
}

export interface FlushReport {
  at: string;
  busy: boolean;
  deleted: string[];
  /** Idle runners that took a job during the flush; kept unless `busy` was asked for. */
  keptBusy: string[];
  error?: string;
}

export interface QueueStatus {
  /** Messages waiting for a consumer. */
  size: number;
  /** Messages a consumer is serving. */
  inFlight: number;
  consumers: number;
  /** Jobs acknowledged (picked up, or already running or done), dropped (bad labels, host, attempts). */
  acknowledged: number;
  dropped: number;
  /** Deliveries of a job already queued or served lately, ignored. */
  duplicates: number;
}

/** What survives continue-as-new. */
export interface CarriedState {
  /** Reactive mode's queue, and how many consumers ran: the next run starts as many at once. */
  jobQueue?: JobQueueData;
  consumers?: number;
  fallbackRunners: number;
  lastPressure?: number;
  currentRunners: number;
  creationPaused: boolean;
  /** True while the planner stream is down (planner mode only): desired comes from fallbackRunners. */
  fallbackActive: boolean;
  nextRunnerSeq: number;
  streamId: number;
  stream: StreamStatus;
  streamFailuresInARow: number;
  lastCleanup?: CleanupReport;
  lastRejected?: RejectedInput;
  lastFlush?: FlushReport;
  totals: Totals;
  runs: number;
}

/** The `state` query's answer. */
export interface FlavorState {
  flavor: string;
  /** 'fallback' while the planner stream is down. */
  mode: FlavorMode | 'fallback';
  lastPressure?: number;
  /** Undefined until a pressure or a fallback decides it. */
  desired?: number;
  currentRunners: number;
  creationPaused: boolean;
  fallbackRunners: number;
  minRunners: number;
  maxRunners: number;
  /** Present in planner mode. */
  stream?: StreamStatus;
  /** Present in reactive mode. */
  queue?: QueueStatus;
  lastFlush?: FlushReport;
  /** The workflow was asked to stop: idle runners removed, busy ones left to finish, then it ends. */
  stopping?: boolean;
  operation?: 'create' | 'cleanup' | 'delete';
  lastCleanup?: CleanupReport;
  lastRejected?: RejectedInput;
  totals: Totals;
  /** Runs of this workflow so far (continue-as-new starts a new one). */
  runs: number;
}
