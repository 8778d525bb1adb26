import { twinVms } from '../soak/invariants';
import { TASK_QUEUE, startEnvironment } from '../environment';
import { flavorNames, flavorOfRunner, startFlavors, waitUntilSettled } from '../flavors';
import { latencies, LatencyProbe } from '../latency-probe';
import { startCpuWindow, type CpuWindowReport } from '../proc-cpu';
import { driveIncrements } from '../pressure-driver';
import { distribution, type Distribution } from '../stats';
import { runFailover, type FailoverResult } from './failover';
import { spread, streamOwners } from './stream-owners';

export interface ScaleOutCase {
  flavors: number;
  workers: number;
  changes: number;
  perSecond: number;
  /** Pressure rises during the failover (with two workers or more; one has nothing to fail over to). */
  failoverChanges: number;
}

export interface ScaleOutCaseResult extends ScaleOutCase {
  /** Seconds from the first workflow start until every flavor had its stream up and its first tick done. */
  settleSeconds: number;
  /** Streams per worker process (in start order) once settled, and streams no worker held. */
  spread: { perWorker: number[]; none: number };
  latencyMs: Distribution;
  unmatched: number;
  /** Each worker's RSS while the changes ran (largest sampled) and its lifetime high-water mark. */
  rss: { maxBytes: number; peakLifetimeBytes: number }[];
  /** CPU by process while the flavors started, and while the changes ran. */
  settleCpu: CpuWindowReport;
  changesCpu: CpuWindowReport;
  failover?: FailoverResult;
  failoverCpu?: CpuWindowReport;
  /** Names held by two VMs or more at the end: must be none. */
  twins: string[];
}

const CREATE_WAIT_MS = 60_000;

/**
 * N flavors on W worker processes that share one task queue and one dev server: how Temporal spreads
 * the streams, the change-to-create latency at that layout (timed as in `latency`), and, with W ≥ 2,
 * a SIGKILLed worker's failover (failover.ts).
 */
export async function runScaleOutCase(plan: ScaleOutCase): Promise<ScaleOutCaseResult> {
  const probe = new LatencyProbe();
  // Lines time the latency phase's changes; the failover's are timed when made (their lines wait for a stream).
  let timingLines = true;
  const onLineWritten = (flavor: string, pressure: number, at: number) => {
    if (timingLines) probe.onLineWritten(flavor, pressure, at);
  };
  const env = await startEnvironment({ workers: plan.workers, planner: { onLineWritten } });
  try {
    const { cloud, client, workers } = env;
    const flavors = flavorNames(plan.flavors);
    for (const flavor of flavors) cloud.planner.setPressure(flavor, 0);
    const processes = {
      'dev server': env.devServerPid,
      ...Object.fromEntries(workers.map((worker, i) => [`worker ${i + 1}`, worker.pid])),
      benchmark: process.pid,
    };
    const settling = startCpuWindow(processes);
    const startedAt = Date.now();
    await startFlavors(client, TASK_QUEUE, flavors);
    await waitUntilSettled(client, flavors, 60_000 + plan.flavors * 200);
    const settleSeconds = (Date.now() - startedAt) / 1000;
    const settleCpu = settling.report();
    const owners = await streamOwners(client, flavors);

    for (const worker of workers) worker.mark();
    const changing = startCpuWindow(processes);
    await driveIncrements((flavor, value) => cloud.planner.setPressure(flavor, value), { ...plan, flavors });
    await probe.waitForCreates(() => cloud.openstack.stats, CREATE_WAIT_MS);
    const changesCpu = changing.report();
    const reports = await Promise.all(workers.map((worker) => worker.report()));
    const latenciesMs = latencies(probe.match(cloud.openstack.stats));
    timingLines = false;

    let failover: FailoverResult | undefined;
    let failoverCpu: CpuWindowReport | undefined;
    if (plan.workers > 1) {
      const failing = startCpuWindow(processes);
      failover = await runFailover({ cloud, client, probe, workers, owners, changes: plan.failoverChanges });
      failoverCpu = failing.report();
    }
    const vms = cloud.openstack.servers().map((server) => ({
      name: server.name,
      flavor: flavorOfRunner(server.name),
      status: server.status,
      createdMs: Date.parse(server.created),
    }));
    return {
      ...plan,
      settleSeconds,
      spread: spread(
        owners,
        workers.map((worker) => worker.pid),
      ),
      latencyMs: distribution(latenciesMs),
      unmatched: plan.changes - latenciesMs.length,
      rss: reports.map((report) => ({ maxBytes: report.rssMaxBytes, peakLifetimeBytes: report.rssPeakLifetimeBytes })),
      settleCpu,
      changesCpu,
      failover,
      failoverCpu,
      twins: twinVms(vms),
    };
  } finally {
    await env.close();
  }
}
