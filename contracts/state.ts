/**
 * What the flavor workflow shows (the `state` query, the reports of its updates) and what it carries
 * across continue-as-new. Plain data: clients read it, the workflow writes it (workflows/reconciler-state.ts).
 */
import type { CleanupRunnersResult, JobMessage, RunnerFailure } from './activities';
import type { FlavorMode } from './settings';

/** The metric events a reactive reconcile issues. */
export interface ReactiveMetricStats {
  runnersRemoved: number;
  consumersStarted: number;
  consumersStopped: number;
}

/** A job of reactive mode's durable queue (workflows/job-queue.ts), as continue-as-new carries it. */
export interface QueuedJob extends JobMessage {
  /** Attempts whose runner went unpicked so far. */
  attempts: number;
  /** The runner made (or being made) for the attempt under way. */
  runnerName?: string;
  runnerCreated?: boolean;
  /** ISO time before which the next attempt must not start (retry backoff). */
  notBefore?: string;
  /** The consumer serving it; absent while it waits. Not carried: a new run has no consumers yet. */
  takenBy?: number;
}

export interface JobQueueData {
  jobs: QueuedJob[];
  /** Ids of jobs that left the queue lately, newest last: a second delivery of one of them is dropped. */
  recentIds: number[];
  acknowledged: number;
  dropped: number;
  duplicates: number;
}

export interface StreamStatus {
  connected: boolean;
  /** Time of the last connect or disconnect (ISO). */
  since?: string;
  /** Connections attempted after the first. */
  reconnects: number;
  /** Why the stream is down now; cleared once it is connected again (see lastOutage). */
  lastError?: string;
  /** Delay before the next reconnect while disconnected, in seconds. */
  retryInSeconds?: number;
  /** The planner outage under way: since when, and when its grace ends (fallbackRunners applies then). */
  outage?: PlannerOutage;
  /** The last time it was down, now over (an outage or a handover): from when to when, and why. */
  lastDisconnect?: { since: string; until: string; error?: string };
  /** When the planner token the stream connected with was read from its source (never the token). */
  tokenReadAt?: string;
}

export interface PlannerOutage {
  since: string;
  graceEndsAt: string;
}

export interface CleanupReport {
  at: string;
  /** Set when the tick failed (after its activity's retries); the next tick tries again. */
  error?: string;
  removed: CleanupRunnersResult['removed'];
  created: number;
  deleted: string[];
  keptBusy: string[];
  /** Removals and deletes that failed this tick: those runners stay and count; the next tick tries again. */
  failed?: RunnerFailure[];
  /** Idle runners kept because their idleness is not confirmed yet (a later tick may remove them). */
  unconfirmedIdle?: string[];
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
  /** Runners whose delete failed: they stay. */
  failed?: RunnerFailure[];
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

/** A schedule window open now (contracts/schedules.ts): until when, and what it puts in force. */
export interface WindowInForce {
  name: string;
  /** When it closes (ISO), later openings within its duration included. */
  until: string;
  minRunners: number;
  /** Absent when the window sets none (the flavor's applies). */
  maxRunners?: number;
}

/** The schedules at the workflow's last look: the windows in force and the limits they make. */
export interface ScheduleStatus {
  inForce: WindowInForce[];
  /** The minRunners and maxRunners desired uses now: the windows' (policy/schedules.ts), else the flavor's. */
  minRunners: number;
  maxRunners: number;
  /** When a window opens or closes next (ISO); absent when none ever will. */
  nextChangeAt?: string;
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
  /** Per runner, when an unbroken run of idle sightings began (policy/idle-confirmation.ts). */
  idleSightings?: Record<string, string>;
  nextRunnerSeq: number;
  streamId: number;
  stream: StreamStatus;
  streamFailuresInARow: number;
  lastCleanup?: CleanupReport;
  lastRejected?: RejectedInput;
  lastFlush?: FlushReport;
  totals: Totals;
  runs: number;
  /** When the pressure rise no create has served yet reached the workflow (scale_up_latency_seconds). */
  pressureRiseAt?: string;
  /** Runners made, or seen booting, and not seen online yet (runner_boot_seconds). */
  awaitingOnline?: string[];
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
  /** During a planner outage's grace: how much is left and the desired count that applies after it. */
  outage?: { since: string; graceEndsAt: string; graceLeftSeconds: number; desiredAfterGrace?: number };
  /** Present when the flavor has schedules: the window(s) in force and the next change. */
  schedule?: ScheduleStatus;
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
