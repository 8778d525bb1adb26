import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { variant } from './sizes';

/**
 * Each scenario's outcome and measured figures, printed and merged into .temporal/chaos-results.json
 * (ignored by git), by variant then scenario, for the README's table of last results.
 */
const file = path.resolve(__dirname, '..', '..', '..', '.temporal', 'chaos-results.json');

export type Figures = Record<string, unknown>;

interface Result {
  outcome: 'pass' | 'fail';
  at: string;
  seconds: number;
  figures: Figures;
}
type ResultsFile = Record<string, Record<string, Result>>;

/** Runs a scenario body with a figures object to fill; records pass or fail with whatever it measured. */
export async function measured(scenario: string, body: (figures: Figures) => Promise<void>): Promise<void> {
  const figures: Figures = {};
  const started = Date.now();
  let outcome: 'pass' | 'fail' = 'fail';
  try {
    await body(figures);
    outcome = 'pass';
  } finally {
    record(scenario, outcome, Math.round((Date.now() - started) / 1000), figures);
  }
}

function record(scenario: string, outcome: 'pass' | 'fail', seconds: number, figures: Figures): void {
  const entry: Result = { outcome, at: new Date().toISOString(), seconds, figures };
  console.log(`chaos ${variant} ${scenario}: ${JSON.stringify(entry)}`);
  let results: ResultsFile = {};
  try {
    results = JSON.parse(readFileSync(file, 'utf8')) as ResultsFile;
  } catch {
    // First run, or an unreadable file: start afresh.
  }
  results[variant] = { ...results[variant], [scenario]: entry };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
