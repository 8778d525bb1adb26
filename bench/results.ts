import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lineChartSvg, type LineChart, temporalCliPath } from '../worker';

export const RESULTS_DIR = path.join(__dirname, 'results');

/** One line of BENCHMARKS.md's table: a measured figure, and its target when it has one. */
export interface ResultRow {
  figure: string;
  value: string;
  target?: string;
  met?: boolean;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  temporalCli: string;
  /** 1-minute load average when the benchmark started and ended: other work on the machine shows here. */
  loadAverage: { start: number; end: number };
}

export interface BenchResult {
  name: string;
  title: string;
  /** ISO time the benchmark started. */
  date: string;
  durationSeconds: number;
  machine: MachineInfo;
  parameters: Record<string, unknown>;
  /** Every figure measured, in full (distributions, per-case details). */
  figures: Record<string, unknown>;
  rows: ResultRow[];
  notes: string[];
  /** The chart's file name, next to the JSON. */
  chart: string;
}

/** What a benchmark hands back; the runner adds the date, duration and machine. */
export type BenchOutcome = Omit<BenchResult, 'name' | 'date' | 'durationSeconds' | 'machine' | 'chart'> & {
  chart: LineChart;
};

export function machineInfo(loadAtStart: number): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    temporalCli: cliVersion(),
    loadAverage: { start: loadAtStart, end: loadAverage() },
  };
}

export const loadAverage = (): number => Math.round(os.loadavg()[0] * 100) / 100;

/** Writes `<name>.json` and `<name>.svg` under bench/results/. */
export function writeResult(result: BenchResult, chart: LineChart): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, result.chart), lineChartSvg(chart));
  writeFileSync(path.join(RESULTS_DIR, `${result.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

/** Every result written so far, in the given order of names (others after, by name). */
export function readResults(order: string[]): BenchResult[] {
  const names = readdirSync(RESULTS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => entry.name.slice(0, -'.json'.length));
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return names
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((name) => JSON.parse(readFileSync(path.join(RESULTS_DIR, `${name}.json`), 'utf8')) as BenchResult);
}

function cliVersion(): string {
  const cli = temporalCliPath();
  if (!cli) return 'unknown';
  try {
    return execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
