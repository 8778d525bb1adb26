/** Summary statistics of measured samples; nothing here is a measurement itself. */

export interface Distribution {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles (p99 of 500 samples is the 495th smallest): every figure is a value that was seen. */
export function distribution(samples: number[]): Distribution {
  if (samples.length === 0) return { count: 0, min: NaN, mean: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  return {
    count: sorted.length,
    min: sorted[0],
    mean: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
    p50: rank(50),
    p95: rank(95),
    p99: rank(99),
    max: sorted[sorted.length - 1],
  };
}

/** The empirical CDF as chart points: x = value, y = percent of samples at or below it. */
export function cdfPoints(samples: number[]): { x: number; y: number }[] {
  const sorted = [...samples].sort((a, b) => a - b);
  return [{ x: 0, y: 0 }, ...sorted.map((x, i) => ({ x, y: round(((i + 1) / sorted.length) * 100) }))];
}

export function round(value: number, decimals = 1): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export const mib = (bytes: number): number => round(bytes / 1024 / 1024);
