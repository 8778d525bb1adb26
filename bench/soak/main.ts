/**
 * `npm run soak -- --seed 42 --minutes 10`: the randomized fault soak (run.ts). Writes the JSON result
 * and the SVG timeline to bench/results/soak.* (there, BENCHMARKS.md's results are regenerated too) or
 * to `--out <path without extension>`, prints the events per kind, the checks made and every violation
 * with the events before it, and exits 1 on any violation.
 * `--without-idle-confirmation` turns the rule off, to show the soak catches the jobs that then die.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCHMARK_ORDER } from '../benchmarks';
import { updateBenchmarksMd } from '../markdown';
import { loadAverage, readResults, RESULTS_DIR } from '../results';
import { soakResult, soakSummary } from './report';
import { runSoak } from './run';

const USAGE = 'usage: npm run soak -- --seed <integer> --minutes <number> [--out <path>] [--without-idle-confirmation]';

function options() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '42' },
      minutes: { type: 'string', default: '10' },
      out: { type: 'string', default: path.join(RESULTS_DIR, 'soak') },
      'without-idle-confirmation': { type: 'boolean', default: false },
    },
  });
  const seed = Number(values.seed);
  const minutes = Number(values.minutes);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, not ${values.seed}`);
  if (!Number.isFinite(minutes) || minutes < 1.5)
    throw new Error(`--minutes must be 1.5 or more, not ${values.minutes}`);
  return { seed, minutes, out: values.out, withoutRule: values['without-idle-confirmation'] };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof options>;
  try {
    parsed = options();
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const load = loadAverage();
  const { figures, svg } = await runSoak({
    seed: parsed.seed,
    minutes: parsed.minutes,
    overrides: parsed.withoutRule ? { idleConfirmSeconds: 0, minRunnerAgeSeconds: 0 } : undefined,
    log: (line) => console.log(line),
    evidenceDir: `${parsed.out}-evidence`,
  });
  const result = soakResult(figures, load);
  mkdirSync(path.dirname(parsed.out), { recursive: true });
  writeFileSync(`${parsed.out}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${parsed.out}.svg`, svg);
  // Written beside the benchmarks' results, it joins BENCHMARKS.md's generated section.
  if (path.resolve(path.dirname(parsed.out)) === RESULTS_DIR) await updateBenchmarksMd(readResults(BENCHMARK_ORDER));
  console.log(soakSummary(figures));
  console.log(`written: ${parsed.out}.json, ${parsed.out}.svg`);
  process.exit(figures.passed ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
