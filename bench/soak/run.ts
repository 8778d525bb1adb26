/**
 * One soak: a Temporal dev server of its own, the simulators in this process, real worker processes on
 * one task queue, three flavors, and the seeded schedule carried out against them while the observer
 * judges the simulators' records. Then the quiet tail (desired must stand), a stop of every flavor
 * (nothing may be left), and the search of every history and log line for secrets.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulatedCloud } from '../../simulators/cloud';
import { runEvent, type SoakContext, type SoakWindow } from './events';
import { startJobDriver } from './jobs';
import { startObserver, type Violation } from './observer';
import { createOperator } from './operator';
import { buildSchedule, countByKind, type EventKind, type SoakEvent } from './schedule';
import { writeHistoryFile } from '../history-file';
import { requestJournal } from './request-journal';
import { searchSecrets, soakHistories, type SecretSearch } from './secrets-check';
import {
  BOOT_DELAY_MS,
  CONVERGENCE_BUDGET_MS,
  flavorSettings,
  MAX_PRESSURE,
  PLANNER_RESEND_MS,
  SOAK_FLAVORS,
  SOAK_SETTINGS,
  WORKERS,
} from './settings';
import { startSoakTemporal } from './temporal-server';
import { timelineSvg } from './timeline-svg';
import { withDeadline } from './deadline';
import { startWorkerPool } from './workers';

export interface SoakOptions {
  seed: number;
  minutes: number;
  /** Settings over the soak's own (e.g. the idle-confirmation rule off, to show the soak catches its kills). */
  overrides?: Partial<typeof SOAK_SETTINGS>;
  log?: (line: string) => void;
  /**
   * Where a failed soak leaves what explains it: every flavor's histories (in the committed histories'
   * format, so that one can become a replay test) and the workers' log lines.
   */
  evidenceDir?: string;
}

export interface SoakFigures {
  seed: number;
  minutes: number;
  startedAt: string;
  durationSeconds: number;
  /** The 1-minute load average: the machine is shared, and a loaded one stretches every timing. */
  loadAverage: { start: number; max: number; end: number };
  flavors: string[];
  workers: number;
  settings: Record<string, unknown>;
  scheduled: Partial<Record<EventKind, number>>;
  executed: Partial<Record<EventKind, number>>;
  jobs: Record<string, number>;
  workerStartsRetried: number;
  checks: Record<string, number>;
  lagRaceKills: string[];
  convergenceSeconds: Record<string, number | undefined>;
  secrets: SecretSearch;
  violations: Violation[];
  passed: boolean;
  /** The fault windows as they happened (seconds since the start), for the timeline. */
  windows: { kind: string; channel: string; flavor?: string; from: number; to?: number }[];
}

const MANAGER_ID = 'soak';
const TASK_QUEUE = 'soak';
const WARMUP_MS = 10_000;
/** Room after the budget for the last windows' recoveries. */
const TAIL_MS = CONVERGENCE_BUDGET_MS + 5_000;
/** No event takes longer: a stop (three minutes at most) and a start again, or a restart retried. */
const EVENT_DEADLINE_MS = 300_000;

export async function runSoak(options: SoakOptions): Promise<{ figures: SoakFigures; svg: string }> {
  const log = options.log ?? (() => undefined);
  const durationMs = Math.round(options.minutes * 60_000);
  const flavors = SOAK_FLAVORS;
  const schedule = buildSchedule({
    seed: options.seed,
    durationMs,
    flavors,
    maxPressure: MAX_PRESSURE,
    warmupMs: WARMUP_MS,
    tailMs: TAIL_MS,
    idleConfirmSeconds: SOAK_SETTINGS.idleConfirmSeconds,
    workers: WORKERS,
  });
  const load = { start: os.loadavg()[0], max: os.loadavg()[0] };
  const loadTimer = setInterval(() => (load.max = Math.max(load.max, os.loadavg()[0])), 10_000);
  const stops: (() => Promise<unknown>)[] = [];
  const logLines: string[] = [];
  try {
    const temporal = await startSoakTemporal();
    stops.push(() => temporal.stop());
    const cloud = await startSimulatedCloud({
      planner: { resendIntervalMs: PLANNER_RESEND_MS },
      openstack: { bootDelayMs: BOOT_DELAY_MS, seed: options.seed },
    });
    stops.push(() => cloud.close());
    for (const flavor of flavors) cloud.planner.defineFlavor(flavor, { labels: [flavor], minimumPressure: 0 });
    const connection = await Connection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    const client = new Client({ connection });
    const workers = await startWorkerPool(
      cloud,
      { address: temporal.address, taskQueue: TASK_QUEUE },
      { count: WORKERS, managerId: MANAGER_ID, onLine: (line) => logLines.push(line) },
    );
    stops.unshift(() => workers.stop());
    const operator = createOperator(client, TASK_QUEUE);
    for (const flavor of flavors) operator.settings.set(flavor, flavorSettings(flavor, options.overrides));
    for (const flavor of flavors) await operator.start(flavor);

    const startedAt = Date.now();
    const windows: SoakWindow[] = [];
    const jobs = startJobDriver(cloud);
    stops.unshift(() => Promise.resolve(jobs.stop()));
    const observer = startObserver({ cloud, flavors, managerId: MANAGER_ID, operator, windows, startedAt });
    stops.unshift(() => Promise.resolve(observer.stop()));
    const context: SoakContext = {
      cloud,
      temporal,
      workers,
      workerCount: WORKERS,
      jobs,
      operator,
      windows,
      minimumPressure: new Map(),
      deletedAtPlanner: new Set(),
      onStopped: (flavor, outcome) => observer.stopped(flavor, outcome),
    };
    log(`soak seed ${options.seed}, ${options.minutes} min: ${schedule.length} events scheduled`);
    const executed: SoakEvent[] = [];
    // One channel's events in order: one that runs long (a restart while the server is away, a stop
    // waiting for jobs) delays the next of its channel rather than overlapping it.
    const channels = new Map<string, SoakEvent[]>();
    for (const event of schedule) channels.set(event.channel, [...(channels.get(event.channel) ?? []), event]);
    const seconds = () => Math.round((Date.now() - startedAt) / 100) / 10;
    const running = [...channels.values()].map(async (events) => {
      for (const event of events) {
        await sleepUntil(startedAt + event.at);
        try {
          await withDeadline(runEvent(event, context), EVENT_DEADLINE_MS, describe(event));
          executed.push(event);
          observer.eventDone(describe(event));
          log(`${seconds()} s ${describe(event)}`);
        } catch (err) {
          observer.eventDone(`${describe(event)} failed`);
          observer.violations.push(
            violation(
              startedAt,
              'every event carried out',
              `${describe(event)}: ${err instanceof Error ? err.message : String(err)}`,
            ),
          );
        }
      }
    });
    const progress = setInterval(
      () =>
        log(
          `${Math.round((Date.now() - startedAt) / 1000)} s: ${executed.length}/${schedule.length} events, ${observer.violations.length} violations`,
        ),
      60_000,
    );
    stops.unshift(() => Promise.resolve(clearInterval(progress)));

    // The quiet tail: no new event; jobs end; once every window has closed and recovered, desired must stand.
    await sleepUntil(startedAt + durationMs - TAIL_MS);
    jobs.endAll();
    await Promise.all(running);
    const quietSince = Math.max(Date.now(), ...windows.map((w) => (w.to ?? Date.now()) + w.recoveryMs));
    observer.eventDone('quiet tail: jobs ended, faults over');
    const convergenceSeconds = await observer.expectConvergence(quietSince);

    // Every flavor stopped: nothing of any may be left.
    await Promise.all(
      flavors.map(async (flavor) => {
        observer.stopped(flavor, await operator.stop(flavor));
      }),
    );
    observer.stop();
    const endedAt = Date.now();
    await workers.stop();
    const histories = await soakHistories(client, flavors);
    const secrets = searchSecrets(histories, flavors, logLines, cloud.secrets());
    for (const hit of secrets.hits)
      observer.violations.push(violation(startedAt, 'no secret in any history or log line', hit));
    for (const blind of secrets.blind) {
      observer.violations.push(violation(startedAt, 'no secret in any history or log line', `blind search: ${blind}`));
    }
    const executedCounts = countByKind(executed);
    const faultsExecuted = executed.filter((event) => event.kind !== 'pressure' && event.kind !== 'job').length;
    if (faultsExecuted === 0)
      observer.violations.push(violation(startedAt, 'something injected', 'no fault was injected'));

    if (observer.violations.length > 0 && options.evidenceDir) {
      mkdirSync(options.evidenceDir, { recursive: true });
      for (const { flavor, workflowId, runId, history } of histories) {
        const holds = `soak seed ${options.seed}: ${flavor}, run ${runId}`;
        writeHistoryFile(path.join(options.evidenceDir, `${flavor}-${runId}.json`), { holds, workflowId, history });
      }
      writeFileSync(path.join(options.evidenceDir, 'workers.log'), `${logLines.join('\n')}\n`);
      writeFileSync(
        path.join(options.evidenceDir, 'requests.json'),
        `${JSON.stringify(requestJournal(cloud), null, 1)}\n`,
      );
      log(`evidence: ${options.evidenceDir}`);
    }
    const figures: SoakFigures = {
      seed: options.seed,
      minutes: options.minutes,
      startedAt: new Date(startedAt).toISOString(),
      durationSeconds: Math.round((endedAt - startedAt) / 1000),
      loadAverage: { ...load, end: os.loadavg()[0] },
      flavors,
      workers: WORKERS,
      settings: { ...SOAK_SETTINGS, ...options.overrides },
      scheduled: countByKind(schedule),
      executed: executedCounts,
      jobs: { ...jobs.counts, killedInTheLagRace: observer.lagRaceKills.length },
      workerStartsRetried: workers.failedStarts,
      checks: observer.checks,
      lagRaceKills: observer.lagRaceKills,
      convergenceSeconds,
      secrets,
      violations: observer.violations,
      passed: observer.violations.length === 0,
      windows: windows.map((w) => ({
        kind: w.kind,
        channel: w.channel,
        ...(w.flavor && { flavor: w.flavor }),
        from: (w.from - startedAt) / 1000,
        ...(w.to !== undefined && { to: (w.to - startedAt) / 1000 }),
      })),
    };
    const svg = timelineSvg({
      flavors,
      samples: observer.samples,
      windows,
      startedAt,
      endedAt,
      title: `soak, seed ${options.seed}`,
    });
    return { figures, svg };
  } finally {
    clearInterval(loadTimer);
    for (const stop of stops) await stop().catch((err: unknown) => log(`teardown: ${String(err)}`));
  }
}

function describe(event: SoakEvent): string {
  const parts: string[] = [event.kind];
  if (event.flavor) parts.push(event.flavor);
  if (event.worker !== undefined) parts.push(`worker ${event.worker}`);
  if (event.value !== undefined) parts.push(String(event.value));
  if (event.durationMs > 0) parts.push(`for ${event.durationMs / 1000} s`);
  return parts.join(' ');
}

function violation(startedAt: number, invariant: string, detail: string): Violation {
  return { at: Math.round((Date.now() - startedAt) / 100) / 10, invariant, detail, before: [] };
}

function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
}
