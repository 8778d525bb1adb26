/**
 * One flavor's state inside its workflow: what the handlers and steps change, what the `state` query
 * shows and what continue-as-new carries. It is the only writer of that state: every change is a
 * `record…` or `take…` method named for what happened. Decisions are policy's (policy/).
 */
import type { CreateRunnersResult, RunnerInfo } from '../contracts/activities';
import type { FlavorSettings, FlavorSettingsInput } from '../contracts/settings';
import type { FlavorGauges } from '../contracts/flavor-metrics';
import type {
  CarriedState,
  CleanupReport,
  FlavorState,
  FlushReport,
  FlushRequest,
  PlannerOutage,
  ScheduleStatus,
} from '../contracts/state';
import { runnerName, runnerSeq } from '../contracts/runner-names';
import { planCreate } from '../policy/converge';
import { desiredRunners } from '../policy/desired';
import { confirmedIdle, recordIdleSightings } from '../policy/idle-confirmation';
import { bootsSeen, settleRise, trackRise } from '../policy/latency';
import { scheduleAt } from '../policy/schedules';
import { emptyJobQueue, JobQueue } from './job-queue';

export type Operation = NonNullable<FlavorState['operation']>;

/** Settings an `applySettings` update accepted: the run continues as new with them. */
export interface PendingSettings {
  input: FlavorSettingsInput;
  resolved: FlavorSettings;
}

/** The flush requests served by one flush: busy when any of them asked for it. */
export interface MergedFlush {
  busy: boolean;
  served: number;
}

export class ReconcilerState {
  private readonly carried: CarriedState;
  /** Set until the first cleanup tick of a fresh start has listed the fleet (see `needsCreate`). */
  private fleetUnknown: boolean;
  private cleanupDue = true;
  private tickedThisRun = false;
  private operation?: Operation;
  /** The connection whose activity is still running; a signal that arrives after it settled is late. */
  private liveStreamId?: number;
  /** When the last fleet list came back (workflow time). */
  private lastListedAt?: string;
  private pending?: PendingSettings;
  /** Set once the workflow was cancelled (`stop`): no more creates; idle runners go, busy ones drain. */
  private stopping = false;
  /** Flushes asked for and not yet done; a flush serves every request made before it started. */
  private flushRequests: FlushRequest[] = [];
  private flushesDone = 0;
  /** Runner names consumers asked the main loop to create, and the answers (reactive mode). */
  private runnerRequests: string[] = [];
  private readonly runnerResults = new Map<string, boolean>();
  /** The schedules at the schedule follower's last look, when the flavor has any (not carried: looked at anew). */
  private schedule?: ScheduleStatus;
  /** Reactive mode's durable queue; it keeps its own data (workflows/job-queue.ts). */
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

  // What the loops read.

  /** Undefined while nothing decides it yet: planner mode before the first pressure or failure. */
  desired(): number | undefined {
    const { lastPressure, fallbackActive, fallbackRunners } = this.carried;
    const limits = this.schedule;
    return desiredRunners({ settings: this.settings, limits, lastPressure, fallbackActive, fallbackRunners });
  }

  /**
   * Runners the create path should make now. A fresh start waits for its first cleanup tick (which
   * runs at once) so that runner numbering continues after the runners a previous workflow left.
   */
  needsCreate(): number {
    if (this.fleetUnknown || this.stopping || this.settings.mode === 'reactive') return 0;
    return planCreate(this.desired(), this.carried.currentRunners, this.carried.creationPaused);
  }

  /** Something for the main loop to do now. */
  hasWork(): boolean {
    return this.hasFlushRequests() || this.hasRunnerRequests() || this.needsCreate() > 0 || this.cleanupDue;
  }

  hasFlushRequests(): boolean {
    return this.flushRequests.length > 0;
  }

  hasRunnerRequests(): boolean {
    return this.runnerRequests.length > 0;
  }

  isCleanupDue(): boolean {
    return this.cleanupDue;
  }

  isStopping(): boolean {
    return this.stopping;
  }

  pendingSettings(): PendingSettings | undefined {
    return this.pending;
  }

  currentRunners(): number {
    return this.carried.currentRunners;
  }

  /** How many consumers ran when the previous run continued as new (reactive mode). */
  carriedConsumers(): number {
    return this.carried.consumers ?? 0;
  }

  // Operators and inputs.

  recordFallbackRunners(value: number): void {
    this.carried.fallbackRunners = value;
  }

  /** The settings the next run would start with: the last accepted new ones, or these. */
  settingsOfNextRun(): FlavorSettings {
    return this.pending?.resolved ?? this.settings;
  }

  recordPendingSettings(input: FlavorSettingsInput, resolved: FlavorSettings): void {
    this.pending = { input, resolved };
  }

  /** A flush asked for; answers its ticket (see `isFlushServed`). */
  recordFlushRequest(request: FlushRequest): number {
    return this.flushesDone + this.flushRequests.push({ busy: request.busy === true });
  }

  isFlushServed(ticket: number): boolean {
    return this.flushesDone >= ticket;
  }

  lastFlush(): FlushReport | undefined {
    return this.carried.lastFlush;
  }

  /** The flush requests to serve now, merged: busy when any asked for it. */
  takeFlushRequests(): MergedFlush {
    const served = this.flushRequests.length;
    const busy = this.flushRequests.some((request) => request.busy === true);
    this.flushRequests = [];
    return { busy, served };
  }

  recordRejected(handler: string, reason: string, now: string): void {
    this.carried.lastRejected = { at: now, handler, reason };
  }

  recordStopping(): void {
    this.stopping = true;
  }

  // Creates.

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
    this.carried.awaitingOnline = [...(this.carried.awaitingOnline ?? []), ...result.created];
  }

  /** The pressure rise a create starting now serves (policy/latency.ts), no longer pending. */
  takePressureRise(): string | undefined {
    const rise = this.carried.pressureRiseAt;
    this.carried.pressureRiseAt = undefined;
    return rise;
  }

  /** A create made nothing: its rise waits for the next create, unless a recount or a fall settled it. */
  restorePressureRise(riseAt: string): void {
    const pending = this.carried.pressureRiseAt;
    this.carried.pressureRiseAt = pending !== undefined && pending < riseAt ? pending : riseAt;
    this.settlePressureRise();
  }

  /** A consumer asks for its runner; a killed consumer's request may have been served after it left. */
  recordRunnerRequest(name: string): void {
    if (!this.runnerResults.has(name)) this.runnerRequests.push(name);
  }

  takeRunnerRequests(): string[] {
    return this.runnerRequests.splice(0);
  }

  recordRunnerResults(names: string[], created: string[]): void {
    for (const name of names) this.runnerResults.set(name, created.includes(name));
  }

  hasRunnerResult(name: string): boolean {
    return this.runnerResults.has(name);
  }

  /** Whether the runner asked for exists now; the answer is handed out once. */
  takeRunnerResult(name: string): boolean {
    const created = this.runnerResults.get(name) === true;
    this.runnerResults.delete(name);
    return created;
  }

  // Cleanup ticks, soft deletes and flushes.

  recordOperation(operation: Operation | undefined): void {
    this.operation = operation;
  }

  /** The cleanup timer fired. */
  recordCleanupDue(): void {
    this.cleanupDue = true;
  }

  /** The tick ran, successfully or not: the next interval starts now. */
  recordCleanupTickEnded(): void {
    this.cleanupDue = false;
    this.tickedThisRun = true;
  }

  /**
   * How old a shared GitHub runner list this tick may judge by. A run's first tick (a start, new settings)
   * reads one begun after it: a list up to an interval old shows runners made since as booting, so none
   * of them could go. Later ticks take one up to an interval old: one list per interval and worker,
   * whatever the number of flavors.
   */
  runnerListMaxAgeSeconds(): number {
    return this.tickedThisRun ? this.settings.cleanupIntervalSeconds : 0;
  }

  /**
   * A cleanup tick's fresh list: the count is set from it, creation unpaused, and numbering moved past
   * every name seen, removed ones too (a VM still being deleted must not meet a new twin of its name).
   */
  recordFleet(runners: RunnerInfo[], removed: { name: string }[], listedAt: string): void {
    this.fleetUnknown = false;
    this.carried.idleSightings = recordIdleSightings(this.carried.idleSightings ?? {}, runners, listedAt);
    this.lastListedAt = listedAt;
    this.carried.currentRunners = runners.length;
    this.carried.creationPaused = false;
    for (const runner of [...runners, ...removed]) {
      const seq = runnerSeq(this.settings.runnerNamePrefix, runner.name);
      if (seq !== undefined && seq >= this.carried.nextRunnerSeq) this.carried.nextRunnerSeq = seq + 1;
    }
    this.settlePressureRise();
  }

  /** A cleanup tick's list at `now`: the boot seconds of the awaited runners it sees online (policy/latency.ts). */
  recordBoots(runners: RunnerInfo[], now: string): number[] {
    const { seconds, awaiting } = bootsSeen(this.carried.awaitingOnline ?? [], runners, Date.parse(now));
    this.carried.awaitingOnline = awaiting;
    return seconds;
  }

  /** The runner count moved: a pending rise with nothing left to create for it is withdrawn. */
  private settlePressureRise(): void {
    const { pressureRiseAt, currentRunners } = this.carried;
    this.carried.pressureRiseAt = settleRise(pressureRiseAt, this.desired(), currentRunners);
  }

  /** Of the last list's runners, the idle ones whose idleness is confirmed: the only ones removable as idle. */
  confirmedIdle(runners: RunnerInfo[]): RunnerInfo[] {
    const listedAt = this.lastListedAt ?? new Date().toISOString();
    return confirmedIdle(runners, this.carried.idleSightings ?? {}, listedAt, this.settings);
  }

  recordSoftDelete(deleted: string[]): void {
    this.carried.currentRunners -= deleted.length;
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

  /** A flush done (or failed); `remaining` is the count it left, when it listed the fleet. */
  recordFlush(report: FlushReport, served: number, remaining?: number): void {
    if (remaining !== undefined) this.carried.currentRunners = remaining;
    this.carried.lastFlush = report;
    this.carried.totals.deleted += report.deleted.length;
    this.flushesDone += served;
  }

  // Schedules.

  /** The schedule follower looked at the schedules at workflow time `at`: their limits apply from now. */
  recordScheduleAt(at: number): ScheduleStatus {
    this.schedule = scheduleAt(this.settings, at);
    return this.schedule;
  }

  // The pressure stream.

  /** A new connection attempt; answers its id. */
  recordStreamOpened(): number {
    if (this.carried.streamId > 0) this.carried.stream.reconnects += 1;
    this.carried.streamId += 1;
    this.liveStreamId = this.carried.streamId;
    return this.carried.streamId;
  }

  /**
   * A value from connection `streamId`. Values of older connections, and late values of a connection
   * whose activity has already failed, are dropped: they must not end the fallback or reset the backoff.
   */
  recordPressure(streamId: number, pressure: number, now: string, tokenReadAt?: string): void {
    if (streamId !== this.liveStreamId) return;
    const desiredBefore = this.desired();
    const stream = this.carried.stream;
    if (!stream.connected) {
      // Connected again: the outage or handover is over and its error is history, not the present.
      const since = stream.outage?.since ?? stream.since;
      if (since && stream.lastError) stream.lastDisconnect = { since, until: now, error: stream.lastError };
      Object.assign(stream, { connected: true, since: now, retryInSeconds: undefined, lastError: undefined });
      stream.outage = undefined;
      this.carried.streamFailuresInARow = 0;
      this.carried.fallbackActive = false;
    }
    if (tokenReadAt !== undefined) stream.tokenReadAt = tokenReadAt;
    this.carried.lastPressure = pressure;
    this.carried.totals.pressureUpdates += 1;
    const { pressureRiseAt: pending, currentRunners } = this.carried;
    this.carried.pressureRiseAt = trackRise({ pending, desiredBefore, desired: this.desired(), currentRunners, now });
  }

  /**
   * A failed connect: count it and, at the first of an outage, start its grace; with no grace the
   * fallback count applies at once. Answers failures in a row, and whether this one began the outage.
   */
  recordStreamFailure(error: string, now: string, graceSeconds: number): { failures: number; outageBegan: boolean } {
    this.recordStreamHandover(error, now);
    this.carried.streamFailuresInARow += 1;
    const outageBegan = this.carried.stream.outage === undefined;
    if (outageBegan) {
      const graceEndsAt = new Date(Date.parse(now) + graceSeconds * 1000).toISOString();
      this.carried.stream.outage = { since: now, graceEndsAt };
    }
    if (graceSeconds === 0) this.carried.fallbackActive = true;
    return { failures: this.carried.streamFailuresInARow, outageBegan };
  }

  /** The outage under way, if any (carried over continue-as-new). */
  outage(): PlannerOutage | undefined {
    return this.carried.stream.outage;
  }

  /** The outage that began at `since` outlasted its grace: the fallback count applies now. */
  recordGraceOver(since: string): void {
    if (this.carried.stream.outage?.since === since) this.carried.fallbackActive = true;
  }

  recordReconnectDelay(seconds: number): void {
    this.carried.stream.retryInSeconds = seconds;
  }

  /** The stream's worker shut down or died: disconnected, but desired stays on the last pressure. */
  recordStreamHandover(reason: string, now: string): void {
    this.liveStreamId = undefined;
    Object.assign(this.carried.stream, { connected: false, since: now, lastError: reason });
  }

  // Continue-as-new.

  /**
   * What the next run starts from: the consumers running now, and, when new settings take over, a
   * changed fallback setting replaces the operator's last value and a flavor leaving planner mode
   * leaves its fallback behind.
   */
  takeCarriedForNextRun(consumers: number): CarriedState {
    this.carried.consumers = consumers;
    const next = this.pending?.resolved;
    if (next && next.fallbackRunners !== this.settings.fallbackRunners) {
      this.carried.fallbackRunners = next.fallbackRunners;
    }
    if (next && next.mode !== 'planner') this.carried.fallbackActive = false;
    return this.carried;
  }

  /** What the worker's metrics show of this flavor (contracts/flavor-metrics.ts). */
  gauges(): FlavorGauges {
    const { fallbackActive, lastCleanup } = this.carried;
    return {
      desired: this.desired(),
      fallbackActive: this.settings.mode === 'planner' && fallbackActive,
      cleanupIntervalSeconds: this.settings.cleanupIntervalSeconds,
      lastCleanupAt: lastCleanup?.at,
    };
  }

  /** The `state` query's answer; `consumers` is how many job consumers run now (reactive mode). */
  snapshot(consumers = 0): FlavorState {
    const { settings, carried } = this;
    return {
      flavor: settings.flavor,
      mode: settings.mode === 'planner' && carried.fallbackActive ? 'fallback' : settings.mode,
      lastPressure: carried.lastPressure,
      desired: this.desired(),
      currentRunners: carried.currentRunners,
      creationPaused: carried.creationPaused,
      fallbackRunners: carried.fallbackRunners,
      minRunners: settings.minRunners,
      maxRunners: settings.maxRunners,
      stream: settings.mode === 'planner' ? { ...carried.stream } : undefined,
      outage: this.outageStatus(),
      schedule: this.schedule,
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

  /** An outage still in its grace: the time left (at the workflow's last activation) and what follows it. */
  private outageStatus(): FlavorState['outage'] {
    const outage = this.carried.stream.outage;
    if (!outage || this.carried.fallbackActive || this.settings.mode !== 'planner') return undefined;
    const graceLeftSeconds = Math.max(Math.ceil((Date.parse(outage.graceEndsAt) - Date.now()) / 1000), 0);
    const { lastPressure, fallbackRunners } = this.carried;
    const desiredAfterGrace = desiredRunners({
      settings: this.settings,
      limits: this.schedule,
      lastPressure,
      fallbackActive: true,
      fallbackRunners,
    });
    return { ...outage, graceLeftSeconds, desiredAfterGrace };
  }

  private queueStatus(consumers: number) {
    const { acknowledged, dropped, duplicates } = this.jobQueue.data;
    const { size, inFlight } = this.jobQueue;
    return { size, inFlight, consumers, acknowledged, dropped, duplicates };
  }
}
