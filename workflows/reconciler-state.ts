/**
 * One flavor's state inside its workflow: what the handlers change, what the `state` query shows and
 * what continue-as-new carries. Plain data and arithmetic only; the workflow file tells the story.
 */
import { clampDesired, planCreate } from './decisions';
import { emptyJobQueue, JobQueue } from './job-queue';
import { runnerName, runnerSeq } from './runner-names';
import type {
  CarriedState,
  CleanupReport,
  FlavorSettings,
  FlavorSettingsInput,
  FlavorState,
  FlushReport,
  FlushRequest,
  RejectedInput,
} from './types';
import type { CreateRunnersResult, RunnerInfo } from '../activities/interfaces';

export type Operation = NonNullable<FlavorState['operation']>;

export class ReconcilerState {
  readonly carried: CarriedState;
  /** Set until the first cleanup tick of a fresh start has listed the fleet (see `needsCreate`). */
  private fleetUnknown: boolean;
  cleanupDue = true;
  operation?: Operation;
  /** The connection whose activity is still running; a signal that arrives after it settled is late. */
  private liveStreamId?: number;
  /** Settings an `applySettings` update accepted; the run continues as new with them. */
  pendingSettings?: { input: FlavorSettingsInput; resolved: FlavorSettings };
  /** Set once the workflow was cancelled (`stop`): no more creates; idle runners go, busy ones drain. */
  stopping = false;
  /** Flushes asked for and not yet done; a flush serves every request made before it started. */
  flushRequests: FlushRequest[] = [];
  flushesDone = 0;
  /** Runner names consumers asked the main loop to create, and the answers (reactive mode). */
  runnerRequests: string[] = [];
  readonly runnerResults = new Map<string, boolean>();
  readonly jobQueue: JobQueue;

  constructor(
    readonly settings: FlavorSettings,
    carried: CarriedState | undefined,
  ) {
    this.fleetUnknown = carried === undefined;
    this.carried = carried ?? {
      fallbackRunners: settings.fallbackRunners,
      currentRunners: 0,
      creationPaused: false,
      fallbackActive: false,
      nextRunnerSeq: 0,
      streamId: 0,
      stream: { connected: false, reconnects: 0 },
      streamFailuresInARow: 0,
      totals: { created: 0, createFailures: 0, removedByCleanup: 0, deleted: 0, pressureUpdates: 0, cleanupTicks: 0 },
      runs: 0,
    };
    this.carried.runs += 1;
    this.carried.stream.connected = false;
    this.carried.jobQueue ??= emptyJobQueue();
    this.jobQueue = new JobQueue(this.carried.jobQueue);
  }

  /** Something for the main loop to do now. */
  hasWork(): boolean {
    return this.flushRequests.length > 0 || this.runnerRequests.length > 0 || this.needsCreate() > 0 || this.cleanupDue;
  }

  /** Undefined while nothing decides it yet: planner mode before the first pressure or failure. */
  desired(): number | undefined {
    const { minRunners, maxRunners, mode } = this.settings;
    if (mode === 'reactive') return maxRunners;
    if (mode === 'static') return clampDesired(0, minRunners, maxRunners);
    if (this.carried.fallbackActive) return clampDesired(this.carried.fallbackRunners, minRunners, maxRunners);
    const pressure = this.carried.lastPressure;
    return pressure === undefined ? undefined : clampDesired(pressure, minRunners, maxRunners);
  }

  /**
   * Runners the create path should make now. A fresh start waits for its first cleanup tick (which
   * runs at once) so that runner numbering continues after the runners a previous workflow left.
   */
  needsCreate(): number {
    if (this.fleetUnknown || this.stopping || this.settings.mode === 'reactive') return 0;
    return planCreate(this.desired(), this.carried.currentRunners, this.carried.creationPaused);
  }

  /** The next `count` runner names; numbering never goes back, across retries and runs. */
  takeRunnerNames(count: number): string[] {
    const first = this.carried.nextRunnerSeq;
    this.carried.nextRunnerSeq += count;
    return Array.from({ length: count }, (_, i) => runnerName(this.settings.runnerNamePrefix, first + i));
  }

  recordCreate(result: CreateRunnersResult): void {
    this.carried.currentRunners += result.created.length;
    this.carried.totals.created += result.created.length;
    this.carried.totals.createFailures += result.failed.length;
    if (result.created.length === 0) this.carried.creationPaused = true;
  }

  /**
   * A cleanup tick's fresh list: the count is set from it, creation unpaused, and numbering moved past
   * every name seen, removed ones too (a VM still being deleted must not meet a new twin of its name).
   */
  recordFleet(runners: RunnerInfo[], removed: { name: string }[]): void {
    this.fleetUnknown = false;
    this.carried.currentRunners = runners.length;
    this.carried.creationPaused = false;
    for (const runner of [...runners, ...removed]) {
      const seq = runnerSeq(this.settings.runnerNamePrefix, runner.name);
      if (seq !== undefined && seq >= this.carried.nextRunnerSeq) this.carried.nextRunnerSeq = seq + 1;
    }
  }

  recordCleanup(report: CleanupReport): void {
    this.carried.lastCleanup = report;
    this.carried.totals.cleanupTicks += 1;
    this.carried.totals.removedByCleanup += report.removed.length;
    this.carried.totals.deleted += report.deleted.length;
  }

  recordCleanupFailure(error: string, now: string): void {
    const runners = this.carried.currentRunners;
    this.recordCleanup({ at: now, error, removed: [], created: 0, deleted: [], keptBusy: [], runners });
  }

  /**
   * A value from connection `streamId`. Values of older connections, and late values of a connection
   * whose activity has already failed, are dropped: they must not end the fallback or reset the backoff.
   */
  recordPressure(streamId: number, pressure: number, now: string): void {
    if (streamId !== this.liveStreamId) return;
    const stream = this.carried.stream;
    if (!stream.connected) {
      stream.connected = true;
      stream.since = now;
      stream.retryInSeconds = undefined;
      this.carried.streamFailuresInARow = 0;
      this.carried.fallbackActive = false;
    }
    this.carried.lastPressure = pressure;
    this.carried.totals.pressureUpdates += 1;
  }

  /** A new connection attempt; answers its id. */
  openStream(): number {
    if (this.carried.streamId > 0) this.carried.stream.reconnects += 1;
    this.carried.streamId += 1;
    this.liveStreamId = this.carried.streamId;
    return this.carried.streamId;
  }

  /** The stream failed or ended: fall back and count the failure; answers failures in a row. */
  recordStreamFailure(error: string, now: string): number {
    this.recordStreamHandover(error, now);
    this.carried.fallbackActive = true;
    this.carried.streamFailuresInARow += 1;
    return this.carried.streamFailuresInARow;
  }

  /** The stream's worker shut down: disconnected, but desired stays on the last pressure. */
  recordStreamHandover(reason: string, now: string): void {
    this.liveStreamId = undefined;
    Object.assign(this.carried.stream, { connected: false, since: now, lastError: reason });
  }

  /**
   * What the next run starts from when new settings take over: a changed fallback setting replaces the
   * operator's last value, and a flavor leaving planner mode leaves its fallback behind.
   */
  carriedForNewSettings(next: FlavorSettings): CarriedState {
    if (next.fallbackRunners !== this.settings.fallbackRunners) this.carried.fallbackRunners = next.fallbackRunners;
    if (next.mode !== 'planner') this.carried.fallbackActive = false;
    return this.carried;
  }

  /** The flush requests to serve now, merged: busy when any asked for it. */
  takeFlushRequests(): { busy: boolean; served: number } {
    const served = this.flushRequests.length;
    const busy = this.flushRequests.some((request) => request.busy === true);
    this.flushRequests = [];
    return { busy, served };
  }

  recordFlush(report: FlushReport, served: number): void {
    this.carried.lastFlush = report;
    this.carried.totals.deleted += report.deleted.length;
    this.flushesDone += served;
  }

  reject(handler: string, reason: string, now: string): void {
    const rejected: RejectedInput = { at: now, handler, reason };
    this.carried.lastRejected = rejected;
  }

  /** The `state` query's answer; `consumers` is how many job consumers run now (reactive mode). */
  snapshot(consumers = 0): FlavorState {
    const { settings, carried } = this;
    return {
      flavor: settings.flavor,
      mode: settings.mode === 'planner' && this.carried.fallbackActive ? 'fallback' : settings.mode,
      lastPressure: carried.lastPressure,
      desired: this.desired(),
      currentRunners: carried.currentRunners,
      creationPaused: carried.creationPaused,
      fallbackRunners: carried.fallbackRunners,
      minRunners: settings.minRunners,
      maxRunners: settings.maxRunners,
      stream: settings.mode === 'planner' ? { ...carried.stream } : undefined,
      queue: settings.mode === 'reactive' ? this.queueStatus(consumers) : undefined,
      stopping: this.stopping || undefined,
      lastFlush: carried.lastFlush,
      operation: this.operation,
      lastCleanup: carried.lastCleanup,
      lastRejected: carried.lastRejected,
      totals: { ...carried.totals },
      runs: carried.runs,
    };
  }

  private queueStatus(consumers: number) {
    const { acknowledged, dropped, duplicates } = this.jobQueue.data;
    const { size, inFlight } = this.jobQueue;
    return { size, inFlight, consumers, acknowledged, dropped, duplicates };
  }
}
