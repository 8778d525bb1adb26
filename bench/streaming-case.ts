import { setTimeout as sleep } from 'node:timers/promises';
import { timeCalls } from './call-log';
import { startCpuWindow } from './proc-cpu';
import { startEnvironment, TASK_QUEUE } from './environment';
import { flavorNames, startFlavors, waitUntilSettled } from './flavors';
import { allHistories, type FlavorHistory } from './history';
import { splitLastLeg, type LastLegSplit } from './last-leg';
import { latencies, LatencyProbe, type MatchedChange } from './latency-probe';
import { startProcessMonitor, type WindowReport } from './process-monitor';
import { driveIncrements } from './pressure-driver';
import { startupBreakdown, type StartupBreakdown } from './startup-breakdown';
import { distribution, type Distribution } from './stats';
import type { WorkerSample, WorkerWindowReport } from './worker-child';

export interface StreamingCase {
  flavors: number;
  changes: number;
  perSecond: number;
  /** GitHub's per-endpoint budget, simulator and worker (environment.ts); GitHub.com's when absent. */
  githubPointsPerMinute?: number;
  /** The Temporal dev server's database in memory, not in a SQLite file. */
  inMemoryTemporal?: boolean;
  /** GitHub credentials the worker pools (environment.ts); one when absent. */
  githubCredentials?: number;
}

export interface StreamingCaseResult extends StreamingCase {
  latencyMs: Distribution;
  latenciesMs: number[];
  /**
   * The latency in three legs, split by the history's event times: planner line → pressure signal
   * recorded (stream read, signal RPC); signal → the workflow task that saw it started (server
   * dispatch to the worker); task started → create request (workflow activation, local activity,
   * GitHub JIT config, Nova POST).
   */
  lineToSignalMs: Distribution;
  signalToTaskMs: Distribution;
  taskToCreateMs: Distribution;
  /** The last leg, task started → create request, split by the hops inside the worker (last-leg.ts). */
  lastLeg: LastLegSplit;
  /** Changes whose line was never written (no stream) or whose create never arrived within the wait. */
  unmatched: number;
  /** Seconds from the first workflow start until every flavor had its stream up and its first tick done. */
  settleSeconds: number;
  /** Where the start-up time went (startup-breakdown.ts). */
  startup: StartupBreakdown;
  /**
   * Where the memory is: the worker's last sample before the first workflow start (worker ready, bundle
   * loaded, no flavor) and at the end of the idle window (every stream up), with its cache and activities.
   */
  memory: { empty?: WorkerSample; allUp?: WorkerSample; startupRssMaxBytes: number };
  /** Cores used by the dev server, the worker and this process while idle and while the changes ran. */
  cpuCores: { idle: Record<string, number | null>; underChanges: Record<string, number | null> };
  /** The worker process with every stream up and nothing happening, then while the changes ran. */
  idle: WorkerWindowReport;
  underChanges: WorkerWindowReport;
  /**
   * This process (planner, simulators, client) while the changes ran: its lag delays the timestamps
   * taken in the simulators, so a large value here means the harness, not the worker, was slow.
   */
  harness: WindowReport;
  /** Per-second samples of the worker process, from its start; `at` in seconds since the fork. */
  samples: (Omit<WorkerSample, 'at'> & { seconds: number })[];
}

const IDLE_WINDOW_MS = 10_000;
const CREATE_WAIT_MS = 60_000;

/**
 * N flavor workflows on one worker process, their streams live; then `changes` pressure rises at a
 * fixed rate, each timed from the planner writing its line to Nova receiving its create.
 */
export async function runStreamingCase(plan: StreamingCase): Promise<StreamingCaseResult> {
  const probe = new LatencyProbe();
  const harness = startProcessMonitor(1000, () => undefined);
  // Each stream's first line is the planner's head line on connect: the stream is up.
  const streamUpAt = new Map<string, number>();
  const onLineWritten = (flavor: string, pressure: number, at: number) => {
    if (!streamUpAt.has(flavor)) streamUpAt.set(flavor, at);
    probe.onLineWritten(flavor, pressure, at);
  };
  const env = await startEnvironment({
    planner: { onLineWritten },
    githubPointsPerMinute: plan.githubPointsPerMinute,
    inMemoryTemporal: plan.inMemoryTemporal,
    githubCredentials: plan.githubCredentials,
  });
  try {
    const { cloud, client, worker } = env;
    const cpu = coresByPhase({ server: env.devServerPid, worker: worker.pid, bench: process.pid });
    const calls = [timeCalls(cloud.openstack.stats), timeCalls(cloud.github.stats, 'github ')];
    const flavors = flavorNames(plan.flavors);
    // Before any stream connects: a flavor the planner does not know is a 404, and 404s back off long.
    for (const flavor of flavors) cloud.planner.setPressure(flavor, 0);
    const empty = worker.samples.at(-1);
    cpu.mark();
    const startedAt = Date.now();
    const runIds = await startFlavors(client, TASK_QUEUE, flavors);
    const clientStartsDoneAt = Date.now();
    const settleTimeoutMs = 60_000 + plan.flavors * 200;
    // Query only once every stream is seen up here: each state query is a workflow task on the worker, and
    // a thousand of them every half second compete with the start-up they are watching.
    await waitFor(() => streamUpAt.size >= flavors.length, settleTimeoutMs, 'every stream up');
    await waitUntilSettled(client, flavors, settleTimeoutMs - (Date.now() - startedAt));
    const settledAt = Date.now();
    const startupCpu = cpu.report();
    const settleSeconds = (settledAt - startedAt) / 1000;
    const startupRssMaxBytes = Math.max(0, ...worker.samples.filter((x) => x.at >= startedAt).map((x) => x.rssBytes));

    worker.mark();
    cpu.mark();
    await sleep(IDLE_WINDOW_MS);
    const idle = await worker.report();
    const idleCpu = cpu.report();
    const allUp = worker.samples.at(-1);

    worker.mark();
    harness.mark();
    cpu.mark();
    await driveIncrements((flavor, value) => cloud.planner.setPressure(flavor, value), { ...plan, flavors });
    await probe.waitForCreates(() => cloud.openstack.stats, CREATE_WAIT_MS);
    const underChanges = await worker.report();
    const changesCpu = cpu.report();
    const harnessReport = harness.report();
    const changes = probe.match(cloud.openstack.stats);
    const latenciesMs = latencies(changes);
    const histories = await allHistories(client, runIds);
    const legs = splitLegs(changes, histories);
    const lastLeg = splitLastLeg(changes, histories, await worker.hops());
    return {
      ...plan,
      latencyMs: distribution(latenciesMs),
      latenciesMs,
      lineToSignalMs: distribution(legs.map(([toSignal]) => toSignal)),
      signalToTaskMs: distribution(legs.map(([, toTask]) => toTask)),
      taskToCreateMs: distribution(legs.map(([, , toCreate]) => toCreate)),
      lastLeg,
      // A change whose line was never written is missing from `changes` as well.
      unmatched: plan.changes - latenciesMs.length,
      settleSeconds,
      startup: startupBreakdown({
        startedAt,
        clientStartsDoneAt,
        settledAt,
        streamUpAt,
        histories,
        calls: calls.flat(),
        cpuCores: startupCpu,
      }),
      memory: { empty, allUp, startupRssMaxBytes },
      cpuCores: { idle: idleCpu, underChanges: changesCpu },
      idle,
      underChanges,
      harness: harnessReport,
      samples: worker.samples.map(({ at, ...sample }) => ({ seconds: (at - env.workerStartedAt) / 1000, ...sample })),
    };
  } finally {
    harness.stop();
    await env.close();
  }
}

async function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not ${what} within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/** [line → signal, signal → task started, task started → create] in ms, for each change with all four times. */
function splitLegs(changes: MatchedChange[], histories: FlavorHistory[]): [number, number, number][] {
  const signals = new Map(histories.map((history) => [history.flavor, history.pressureSignals]));
  return changes.flatMap(({ flavor, value, changedAt, createdAt }): [number, number, number][] => {
    const timing = signals.get(flavor)?.get(value);
    if (timing?.taskStartedAt === undefined || createdAt === undefined) return [];
    return [[timing.signalAt - changedAt, timing.taskStartedAt - timing.signalAt, createdAt - timing.taskStartedAt]];
  });
}

/** A case's figures for the result file: everything but the raw latencies and samples (charts show those). */
export function caseFigures(c: StreamingCaseResult) {
  const { flavors, changes, perSecond, latencyMs, lineToSignalMs, signalToTaskMs, taskToCreateMs, lastLeg } = c;
  const { unmatched, inMemoryTemporal = false } = c;
  const { settleSeconds, startup, memory, cpuCores, idle, underChanges, harness } = c;
  return {
    flavors,
    changes,
    perSecond,
    inMemoryTemporal,
    latencyMs,
    lineToSignalMs,
    signalToTaskMs,
    taskToCreateMs,
    lastLeg,
    unmatched,
    settleSeconds,
    startup,
    memory,
    cpuCores,
    idle,
    underChanges,
    harness,
  };
}

/** Cores each process used since the last mark: the dev server, the worker and this process share the machine. */
function coresByPhase(pids: Record<string, number>) {
  let window = startCpuWindow(pids);
  return {
    mark: () => void (window = startCpuWindow(pids)),
    report: (): Record<string, number> =>
      Object.fromEntries(Object.entries(window.report().byProcess).map(([name, share]) => [name, share.cores])),
  };
}
