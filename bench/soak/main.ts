/**
 * `npm run soak -- --seed 42 --minutes 10`: the randomized fault soak (run.ts). Writes the JSON result
 * and the SVG timeline to bench/results/soak.* (or `--out <path without extension>`), prints the events
 * per kind, the checks made and every violation with the events before it, and exits 1 on any violation.
 * `--without-idle-confirmation` turns the rule off, to show the soak catches the jobs that then die.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runSoak, type SoakResult } from './run';

const USAGE = 'usage: npm run soak -- --seed <integer> --minutes <number> [--out <path>] [--without-idle-confirmation]';

function options() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '42' },
      minutes: { type: 'string', default: '10' },
      out: { type: 'string', default: path.join(__dirname, '..', 'results', 'soak') },
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

function summary(result: SoakResult): string {
  const lines = [
    `soak seed ${result.seed}: ${result.durationSeconds} s, load average ${result.machine.loadAverage.start.toFixed(1)} → max ${result.machine.loadAverage.max.toFixed(1)} on ${result.machine.cores} cores`,
    `events executed (of scheduled): ${Object.entries(result.scheduled)
      .map(([kind, n]) => `${kind} ${result.executed[kind as keyof SoakResult['executed']] ?? 0}/${n}`)
      .join(', ')}`,
    `jobs: ${Object.entries(result.jobs)
      .map(([what, n]) => `${what} ${n}`)
      .join(', ')}`,
    `checks: ${Object.entries(result.checks)
      .map(([what, n]) => `${what}: ${n}`)
      .join('; ')}`,
    `secrets searched: ${result.secrets.secrets} in ${result.secrets.histories} histories and ${result.secrets.logLines} log lines`,
    `desired reached after the last fault (s): ${Object.entries(result.convergenceSeconds)
      .map(([flavor, s]) => `${flavor} ${s ?? 'never'}`)
      .join(', ')}`,
    `${result.violations.length} violations`,
  ];
  for (const v of result.violations) {
    lines.push(`  at ${v.at} s, ${v.invariant}: ${v.detail}`);
    for (const before of v.before.slice(-8)) lines.push(`      after ${before}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof options>;
  try {
    parsed = options();
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const { result, svg } = await runSoak({
    seed: parsed.seed,
    minutes: parsed.minutes,
    overrides: parsed.withoutRule ? { idleConfirmSeconds: 0, minRunnerAgeSeconds: 0 } : undefined,
    log: (line) => console.log(line),
  });
  mkdirSync(path.dirname(parsed.out), { recursive: true });
  writeFileSync(`${parsed.out}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`${parsed.out}.svg`, svg);
  console.log(summary(result));
  console.log(`written: ${parsed.out}.json, ${parsed.out}.svg`);
  process.exit(result.passed ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
