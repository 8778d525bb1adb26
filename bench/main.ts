/**
 * `npm run bench` runs every benchmark; `npm run bench -- latency burst` runs those named. Each writes
 * bench/results/<name>.json and <name>.svg, prints its figures as they are measured, and BENCHMARKS.md's
 * table is regenerated from every result file there. Sizes: see bench/parameters.ts.
 */
import { BENCHMARK_ORDER as ORDER, BENCHMARKS } from './benchmarks';
import { updateBenchmarksMd } from './markdown';
import { loadAverage, machineInfo, readResults, writeResult, type BenchResult } from './results';

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !ORDER.includes(name));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; known: ${ORDER.join(', ')}`);
  const done: BenchResult[] = [];
  const failed: string[] = [];
  for (const name of names.length > 0 ? names : ORDER) {
    const load = loadAverage();
    const started = new Date();
    try {
      const { chart, ...outcome } = await BENCHMARKS[name]();
      const result: BenchResult = {
        ...outcome,
        name,
        date: started.toISOString(),
        durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
        machine: machineInfo(load),
        chart: `${name}.svg`,
      };
      writeResult(result, chart);
      done.push(result);
    } catch (err) {
      console.error(`[${name}] failed:`, err);
      failed.push(name);
    }
  }
  await updateBenchmarksMd(readResults(ORDER));
  printSummary(done);
  if (failed.length > 0) throw new Error(`failed: ${failed.join(', ')}`);
}

function printSummary(results: BenchResult[]): void {
  console.log('\nSummary (also in BENCHMARKS.md and bench/results/)');
  for (const result of results) {
    console.log(
      `\n${result.title} — ${result.durationSeconds} s, load average ${result.machine.loadAverage.start} → ${result.machine.loadAverage.end}`,
    );
    for (const row of result.rows) {
      const target = row.target ? `  [target ${row.target}: ${row.met ? 'met' : 'NOT met'}]` : '';
      console.log(`  ${row.figure}: ${row.value}${target}`);
    }
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
