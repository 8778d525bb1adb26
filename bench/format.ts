import type { Distribution } from './stats';

/** How figures read in the console and in BENCHMARKS.md. */

export const ms = (value: number): string => (Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a');

export const seconds = (valueMs: number): string => `${(valueMs / 1000).toFixed(valueMs < 10_000 ? 2 : 1)} s`;

/** `p50 / p95 / p99`, in ms below 10 s and in seconds above. */
export function percentiles(d: Pick<Distribution, 'p50' | 'p95' | 'p99'>): string {
  const show = d.p99 >= 10_000 ? seconds : ms;
  return `${show(d.p50)} / ${show(d.p95)} / ${show(d.p99)}`;
}

export function log(benchmark: string, line: string): void {
  console.log(`[${benchmark}] ${line}`);
}
