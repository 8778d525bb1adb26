import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment, TASK_QUEUE } from './environment';
import { flavorNames, startFlavors, waitUntilSettled } from './flavors';
import { allHistories, type FlavorHistory } from './history';
import { splitLastLeg, type LastLegSplit } from './last-leg';
import { latencies, LatencyProbe, type MatchedChange } from './latency-probe';
import { startProcessMonitor, type ProcessSample, type WindowReport } from './process-monitor';
import { driveIncrements } from './pressure-driver';
import { distribution, type Distribution } from './stats';

export interface StreamingCase {
  flavors: number;
  changes: number;
  perSecond: number;
  /** GitHub's per-endpoint budget, simulator and worker (environment.ts); GitHub.com's when absent. */
  githubPointsPerMinute?: number;
  /** The Temporal dev server's database in memory, not in a SQLite file. */
  inMemoryTemporal?: boolean;
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
  /** The worker process with every stream up and nothing happening, then while the changes ran. */
  idle: WindowReport;
  underChanges: WindowReport;
  /**
   * This process (planner, simulators, client) while the changes ran: its lag delays the timestamps
   * taken in the simulators, so a large value here means the harness, not the worker, was slow.
   */
  harness: WindowReport;
  /** Per-second samples of the worker process, from its start; `at` in seconds since the fork. */
  samples: (Omit<ProcessSample, 'at'> & { seconds: number })[];
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
  const env = await startEnvironment({
    planner: { onLineWritten: probe.onLineWritten },
    githubPointsPerMinute: plan.githubPointsPerMinute,
    inMemoryTemporal: plan.inMemoryTemporal,
  });
  try {
    const { cloud, client, worker } = env;
    const flavors = flavorNames(plan.flavors);
    // Before any stream connects: a flavor the planner does not know is a 404, and 404s back off long.
    for (const flavor of flavors) cloud.planner.setPressure(flavor, 0);
    const startedAt = Date.now();
    const runIds = await startFlavors(client, TASK_QUEUE, flavors);
    await waitUntilSettled(client, flavors, 60_000 + plan.flavors * 200);
    const settleSeconds = (Date.now() - startedAt) / 1000;

    worker.mark();
    await sleep(IDLE_WINDOW_MS);
    const idle = await worker.report();

    worker.mark();
    harness.mark();
    await driveIncrements((flavor, value) => cloud.planner.setPressure(flavor, value), { ...plan, flavors });
    await probe.waitForCreates(() => cloud.openstack.stats, CREATE_WAIT_MS);
    const underChanges = await worker.report();
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
  const { settleSeconds, idle, underChanges, harness } = c;
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
    idle,
    underChanges,
    harness,
  };
}
