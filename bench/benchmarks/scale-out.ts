import { log, percentiles, seconds } from '../format';
import { parameters } from '../parameters';
import type { CpuWindowReport } from '../proc-cpu';
import type { BenchOutcome, ResultRow } from '../results';
import { runScaleOutCase, type ScaleOutCaseResult } from '../scale-out/case';
import type { FailoverChange, FailoverResult } from '../scale-out/failover';
import { mib } from '../stats';

const RATE = 20;
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];

/**
 * 500 flavors on 1, 2 and 3 worker processes sharing one task queue and one dev server: the streams'
 * spread, latency, each worker's RSS and every process's CPU; then one worker SIGKILLed (bench/scale-out).
 */
export async function scaleOutBenchmark(): Promise<BenchOutcome> {
  const flavors = parameters.scaleOutFlavors();
  const changes = parameters.scaleOutChanges();
  const failoverChanges = parameters.scaleOutFailoverChanges();
  const cases: ScaleOutCaseResult[] = [];
  for (const workers of parameters.scaleOutWorkers()) {
    log('scale-out', `${workers} worker(s), ${flavors} flavors: starting, then ${changes} changes at ${RATE}/s…`);
    const c = await runScaleOutCase({ flavors, workers, changes, perSecond: RATE, failoverChanges });
    log(
      'scale-out',
      `${workers} worker(s): settled in ${c.settleSeconds} s; streams per worker ${spreadText(c.spread)}`,
    );
    log('scale-out', `${workers} worker(s): latency p50/p95/p99 ${percentiles(c.latencyMs)}, unmatched ${c.unmatched}`);
    log('scale-out', `${workers} worker(s): RSS ${rssText(c)}; CPU under changes ${cpuText(c.changesCpu)}`);
    if (c.failover)
      log('scale-out', `${workers} workers: failover ${failoverText(c.failover)}; twins ${c.twins.length}`);
    cases.push(c);
  }
  return {
    title: 'Scale-out: one task queue, several worker processes',
    parameters: { flavors, workers: cases.map((c) => c.workers), changes, changesPerSecond: RATE, failoverChanges },
    figures: { cases },
    rows: cases.flatMap(rows),
    notes: [
      'Streams per worker: each flavor’s pending streamPressure activity as the server describes it (lastWorkerIdentity, the SDK’s `<pid>@<host>`), read once every flavor had settled.',
      'CPU: user + system time from /proc/<pid>/stat over the window, in cores kept busy (of the machine’s cores) and as a share of all the CPU the machine spent busy, other work on it included. The dev server, the worker processes and the benchmark process (planner, OpenStack and GitHub simulators, client) share the cores.',
      'Changes: 150 at 20 a second, within one minute’s JIT budget of one worker (180 registrations, 900 points, which the GitHub client keeps to per process: activities/github/endpoint-budget.ts) and of the one credential all workers share at GitHub. More changes measure the budget’s queue, not the layout: 500 at 20 a second waited up to 56 s with one worker (140 creates not within 60 s), up to 45 s with two, and not at all with three (3 × 180 ≥ 500).',
      'Failover: the worker holding the most streams is SIGKILLed; a stream counts as back when the planner simulator opens a new connection for its flavor. Pressure rises on some of its flavors are made 1–21 s after the kill; each is acted on when Nova receives its create. Twins: names held by two VMs in the OpenStack simulator at the end of the case.',
    ],
    chart: {
      title: 'After the SIGKILL: the killed worker’s streams back, and its flavors’ changes acted on',
      xLabel: 'seconds since the kill',
      yLabel: 'percent',
      series: cases.flatMap((c, i) =>
        c.failover ? failoverSeries(c.workers, c.failover, COLORS[i % COLORS.length]) : [],
      ),
    },
  };
}

function rows(c: ScaleOutCaseResult): ResultRow[] {
  const name = `${c.workers} worker${c.workers > 1 ? 's' : ''}`;
  const result: ResultRow[] = [
    { figure: `${name}: streams per worker (none)`, value: spreadText(c.spread) },
    { figure: `${name}: all streams up and first ticks done after`, value: `${c.settleSeconds} s` },
    {
      figure: `${name}: latency p50 / p95 / p99 (${c.changes} changes)`,
      value: `${percentiles(c.latencyMs)}; unmatched ${c.unmatched}`,
    },
    { figure: `${name}: RSS per worker under changes (lifetime peak)`, value: rssText(c) },
    { figure: `${name}: CPU while the flavors started, cores (share of busy CPU)`, value: cpuText(c.settleCpu) },
    { figure: `${name}: CPU under changes, cores (share of busy CPU)`, value: cpuText(c.changesCpu) },
  ];
  if (!c.failover) return result;
  const f = c.failover;
  const actedOn = f.changes.filter((change) => change.actedOnMs !== undefined);
  return [
    ...result,
    {
      figure: `${name}: worker ${f.victim + 1} SIGKILLed, holding ${f.held} streams: all connected again after`,
      value: failoverText(f),
      target: 'every stream back',
      met: f.notBack === 0,
    },
    {
      figure: `${name}: ${f.changes.length} pressure rises during the failover: made (its stream back) → acted on, after the kill`,
      value: f.changes.map(changeText).join('; '),
      target: 'every one acted on',
      met: actedOn.length === f.changes.length,
    },
    { figure: `${name}: streams per worker after the failover`, value: spreadText(f.spreadAfter) },
    { figure: `${name}: CPU during the failover, cores (share of busy CPU)`, value: cpuText(c.failoverCpu!) },
    {
      figure: `${name}: twins (two VMs with one name)`,
      value: c.twins.length === 0 ? 'none' : c.twins.join(', '),
      target: 'none',
      met: c.twins.length === 0,
    },
  ];
}

function spreadText({ perWorker, none }: { perWorker: number[]; none: number }): string {
  return `${perWorker.join(' / ')} (${none})`;
}

function rssText(c: ScaleOutCaseResult): string {
  return c.rss.map((r) => `${mib(r.maxBytes)} (${mib(r.peakLifetimeBytes)})`).join(' / ') + ' MiB';
}

function cpuText(cpu: CpuWindowReport): string {
  const processes = Object.entries(cpu.byProcess).map(
    ([name, share]) => `${name} ${share.cores} (${Math.round(share.shareOfBusy * 100)} %)`,
  );
  return `${processes.join(', ')}; machine ${cpu.machineBusyCores} of ${cpu.machineCores} over ${cpu.seconds} s`;
}

function changeText(change: FailoverChange): string {
  const at = (ms: number | undefined) => (ms === undefined ? 'never' : seconds(ms));
  return `${at(change.madeMs)} (${at(change.streamBackMs)}) → ${at(change.actedOnMs)}`;
}

function failoverText(f: FailoverResult): string {
  const all = f.allBackMs === undefined ? `${f.notBack} never back` : seconds(f.allBackMs);
  return `${all} (per stream p50 ${seconds(f.reconnectMs.p50)}, min ${seconds(f.reconnectMs.min)})`;
}

function failoverSeries(workers: number, f: FailoverResult, color: string) {
  const percent = (i: number, of: number) => Math.round(((i + 1) / of) * 1000) / 10;
  const acted = f.changes
    .flatMap((change) => (change.actedOnMs === undefined ? [] : [change.actedOnMs]))
    .sort((a, b) => a - b);
  return [
    {
      label: `${workers} workers: streams back`,
      color,
      points: [{ x: 0, y: 0 }, ...f.reconnects.map((ms, i) => ({ x: ms / 1000, y: percent(i, f.held) }))],
    },
    {
      label: `${workers} workers: changes acted on`,
      color,
      dashed: true,
      points: [{ x: 0, y: 0 }, ...acted.map((ms, i) => ({ x: ms / 1000, y: percent(i, f.changes.length) }))],
    },
  ];
}
