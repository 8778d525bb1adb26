/**
 * The soak's result as the benchmarks write theirs (bench/results.ts): figures in full, a table of rows
 * for BENCHMARKS.md (events per kind, invariant checks, violations), notes, and a console summary that
 * names every violation with the events before it.
 */
import { machineInfo, type BenchResult, type ResultRow } from '../results';
import type { SoakFigures } from './run';

export function soakResult(figures: SoakFigures, loadAtStart: number): BenchResult {
  const executed = Object.entries(figures.scheduled).map(([kind, scheduled]): ResultRow => ({
    figure: `events: ${kind}`,
    value: `${figures.executed[kind as keyof SoakFigures['executed']] ?? 0} of ${scheduled} scheduled`,
  }));
  const checks = Object.entries(figures.checks).map(([invariant, n]): ResultRow => ({
    figure: `checks: ${invariant}`,
    value: String(n),
  }));
  const { jobs, secrets } = figures;
  return {
    name: 'soak',
    title: 'Randomized fault soak',
    date: figures.startedAt,
    durationSeconds: figures.durationSeconds,
    machine: machineInfo(loadAtStart),
    parameters: {
      seed: figures.seed,
      minutes: figures.minutes,
      flavors: figures.flavors.length,
      workers: figures.workers,
      ...figures.settings,
    },
    figures: { ...figures },
    rows: [
      ...executed,
      ...checks,
      {
        figure: 'jobs',
        value: `${jobs.queued} queued, ${jobs.ran} ran, ${jobs.finished} finished, ${jobs.cancelled} cancelled unstarted; ${jobs.killedInTheLagRace} killed in the lag race`,
      },
      {
        figure: 'secrets searched',
        value: `${secrets.secrets} secrets in ${secrets.histories} histories and ${secrets.logLines} log lines`,
      },
      {
        figure: 'desired reached after the last fault (s)',
        value: Object.entries(figures.convergenceSeconds)
          .map(([flavor, s]) => `${flavor} ${s ?? 'never'}`)
          .join(', '),
      },
      { figure: 'violations', value: String(figures.violations.length), target: '0', met: figures.passed },
    ],
    notes: [
      `Load average during the run: ${figures.loadAverage.start.toFixed(1)} at start, ${figures.loadAverage.max.toFixed(1)} at most, on ${machineInfo(loadAtStart).cores} cores.`,
      ...figures.violations.map((v) => `Violation at ${v.at} s, ${v.invariant}: ${v.detail}`),
    ],
    chart: 'soak.svg',
  };
}

export function soakSummary(figures: SoakFigures): string {
  const lines = [
    `soak seed ${figures.seed}: ${figures.durationSeconds} s, load average ${figures.loadAverage.start.toFixed(1)} → max ${figures.loadAverage.max.toFixed(1)}`,
    `events executed (of scheduled): ${Object.entries(figures.scheduled)
      .map(([kind, n]) => `${kind} ${figures.executed[kind as keyof SoakFigures['executed']] ?? 0}/${n}`)
      .join(', ')}`,
    `jobs: ${Object.entries(figures.jobs)
      .map(([what, n]) => `${what} ${n}`)
      .join(', ')}`,
    `checks: ${Object.entries(figures.checks)
      .map(([what, n]) => `${what}: ${n}`)
      .join('; ')}`,
    `secrets searched: ${figures.secrets.secrets} in ${figures.secrets.histories} histories and ${figures.secrets.logLines} log lines`,
    `desired reached after the last fault (s): ${Object.entries(figures.convergenceSeconds)
      .map(([flavor, s]) => `${flavor} ${s ?? 'never'}`)
      .join(', ')}`,
    `${figures.violations.length} violations`,
  ];
  for (const v of figures.violations) {
    lines.push(`  at ${v.at} s, ${v.invariant}: ${v.detail}`);
    for (const before of v.before.slice(-8)) lines.push(`      after ${before}`);
  }
  return lines.join('\n');
}
