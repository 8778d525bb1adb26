import { log, percentiles } from '../format';
import { parameters } from '../parameters';
import type { BenchOutcome } from '../results';
import { mib } from '../stats';
import { describeStartup } from '../startup-breakdown';
import { caseFigures, runStreamingCase, type StreamingCaseResult } from '../streaming-case';

const TARGET = { flavors: 1000, rssMiB: 1024, p99Ms: 1000 };
const RATE = 20;
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];

/**
 * 100, 500 and 1000 flavor workflows with live streams on one worker process: its RSS and event-loop
 * lag with every stream idle and while changes run, and the change-to-create latency at that size.
 */
export async function scaleBenchmark(): Promise<BenchOutcome> {
  const changes = parameters.changes();
  const cases: StreamingCaseResult[] = [];
  for (const flavors of parameters.scale()) {
    log('scale', `${flavors} flavors: starting, then ${changes} changes at ${RATE}/s…`);
    const c = await runStreamingCase({ flavors, changes, perSecond: RATE });
    log('scale', `${flavors} flavors: start-up: ${describeStartup(c.startup)}`);
    log('scale', `${flavors} flavors: memory: ${describeMemory(c)}`);
    log(
      'scale',
      `${flavors} flavors: settled in ${c.settleSeconds} s; worker RSS idle ${mib(c.idle.rssMaxBytes)} MiB, ` +
        `under changes max ${mib(c.underChanges.rssMaxBytes)} MiB, lifetime peak ${mib(c.underChanges.rssPeakLifetimeBytes)} MiB`,
    );
    log(
      'scale',
      `${flavors} flavors: event-loop lag p99 idle ${c.idle.lagMs.p99} ms, under changes ${c.underChanges.lagMs.p99} ms ` +
        `(max ${c.underChanges.lagMs.max} ms, ELU ${c.underChanges.elu}; benchmark process ${c.harness.lagMs.p99} ms); latency p50/p95/p99 ${percentiles(c.latencyMs)}, unmatched ${c.unmatched}`,
    );
    cases.push(c);
  }
  const name = (c: StreamingCaseResult) => `${c.flavors} flavors`;
  const atTarget = cases.find((c) => c.flavors === TARGET.flavors);
  return {
    title: 'Scale: flavors on one worker',
    parameters: { flavors: cases.map((c) => c.flavors), changes, changesPerSecond: RATE },
    figures: {
      cases: cases.map(caseFigures),
    },
    rows: cases.flatMap((c) => {
      const isTarget = c === atTarget;
      const peak = mib(c.underChanges.rssPeakLifetimeBytes);
      return [
        {
          figure: `${name(c)}: worker RSS idle / under changes / lifetime peak`,
          value: `${mib(c.idle.rssMaxBytes)} / ${mib(c.underChanges.rssMaxBytes)} / ${peak} MiB`,
          ...(isTarget && { target: `peak ≤ ${TARGET.rssMiB} MiB`, met: peak <= TARGET.rssMiB }),
        },
        {
          figure: `${name(c)}: worker event-loop lag p99 idle / under changes (max); benchmark process p99`,
          value: `${c.idle.lagMs.p99} / ${c.underChanges.lagMs.p99} ms (${c.underChanges.lagMs.max} ms); ${c.harness.lagMs.p99} ms`,
        },
        {
          figure: `${name(c)}: latency p50 / p95 / p99 (${c.changes} changes)`,
          value: percentiles(c.latencyMs),
          ...(isTarget && {
            target: `p99 ≤ ${TARGET.p99Ms} ms`,
            met: c.unmatched === 0 && c.latencyMs.p99 <= TARGET.p99Ms,
          }),
        },
        { figure: `${name(c)}: all streams up and first ticks done after`, value: `${c.settleSeconds} s` },
      ];
    }),
    notes: [
      'The worker runs in its own process (bench/worker-process.ts); RSS is its own, Temporal core and workflow threads included. The lifetime peak includes bundling the workflow code at start.',
      "Event-loop lag is that of the worker's main thread (activities, streams, signals), from Node's event-loop delay histogram at 10 ms resolution.",
    ],
    chart: {
      title: 'Worker process RSS over time, by number of flavors',
      xLabel: 'seconds since the worker process started',
      yLabel: 'RSS (MiB)',
      series: cases.map((c, i) => ({
        label: name(c),
        color: COLORS[i % COLORS.length],
        points: c.samples.map((s) => ({ x: Math.round(s.seconds), y: mib(s.rssBytes) })),
      })),
    },
  };
}

/** RSS against the main thread's heap, before any flavor and with every stream up, with the cache and activities. */
function describeMemory({ memory: { empty, allUp, startupRssMaxBytes }, cpuCores }: StreamingCaseResult): string {
  const at = (x: typeof empty) =>
    x
      ? `RSS ${mib(x.rssBytes)} MiB, main heap ${mib(x.heapUsedBytes)}/${mib(x.heapTotalBytes)} MiB, external ${mib(x.externalBytes)} MiB, ` +
        `${x.cachedWorkflows ?? '?'} cached workflows, ${x.runningActivities ?? '?'} activities`
      : 'no sample';
  const cores = (c: Record<string, number | null>) => Object.entries(c).map(([n, v]) => `${n} ${v ?? '?'}`).join(', ');
  return (
    `no flavor: ${at(empty)}; all up: ${at(allUp)}; start-up max RSS ${mib(startupRssMaxBytes)} MiB; ` +
    `CPU cores idle ${cores(cpuCores.idle)}, under changes ${cores(cpuCores.underChanges)}`
  );
}
