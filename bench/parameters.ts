/** Sizes of the benchmarks, from the environment so that development runs can be small. */

function positive(name: string, fallback: number): number {
  const text = process.env[name];
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not ${text}`);
  return value;
}

/** A comma-separated list of positive integers, e.g. flavor counts. */
function counts(name: string, fallback: string): number[] {
  return (process.env[name] ?? fallback).split(',').map((text) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}: not a positive integer: ${text}`);
    return value;
  });
}

export const parameters = {
  /** Pressure changes per latency measurement (BENCH_CHANGES, default 500). */
  changes: () => Math.round(positive('BENCH_CHANGES', 500)),
  /** Flavor counts of the scale benchmark (BENCH_SCALE, default 100,500,1000). */
  scale: () => counts('BENCH_SCALE', '100,500,1000'),
  /** Consecutive runs at the scale benchmark's target size, each reported (BENCH_SCALE_RUNS, default 3). */
  scaleRuns: () => Math.round(positive('BENCH_SCALE_RUNS', 3)),
  /** Flavor counts of the economy-scale benchmark (BENCH_ECONOMY_SCALE, default 10,100,1000). */
  economyScale: () => counts('BENCH_ECONOMY_SCALE', '10,100,1000'),
  /** Its cleanup interval (BENCH_ECONOMY_SCALE_INTERVAL, default 60 s) and intervals measured (default 3). */
  economyScaleIntervalSeconds: () => positive('BENCH_ECONOMY_SCALE_INTERVAL', 60),
  economyScaleIntervals: () => Math.round(positive('BENCH_ECONOMY_SCALE_INTERVALS', 3)),
  /** The scale-out benchmark's flavors (BENCH_SCALE_OUT_FLAVORS, default 500) and worker counts (default 1,2,3). */
  scaleOutFlavors: () => Math.round(positive('BENCH_SCALE_OUT_FLAVORS', 500)),
  scaleOutWorkers: () => counts('BENCH_SCALE_OUT_WORKERS', '1,2,3'),
  /** Its changes at 20 a second (BENCH_SCALE_OUT_CHANGES, default 150: within a minute's JIT budget). */
  scaleOutChanges: () => Math.round(positive('BENCH_SCALE_OUT_CHANGES', 150)),
  /** Pressure rises made during its failover (BENCH_SCALE_OUT_FAILOVER_CHANGES, default 20). */
  scaleOutFailoverChanges: () => Math.round(positive('BENCH_SCALE_OUT_FAILOVER_CHANGES', 20)),
  /** The burst's pressure (BENCH_BURST, default 200). */
  burst: () => Math.round(positive('BENCH_BURST', 200)),
  /** Runs of each burst case, each in a fresh environment, for the spread (BENCH_BURST_RUNS, default 3). */
  burstRuns: () => Math.round(positive('BENCH_BURST_RUNS', 3)),
  /** Length of the economy's steady state (BENCH_ECONOMY_SECONDS, default 600). */
  economySeconds: () => positive('BENCH_ECONOMY_SECONDS', 600),
  /** The baseline poller's interval, run for real (BENCH_BASELINE_SECONDS, default 5). */
  baselineSeconds: () => positive('BENCH_BASELINE_SECONDS', 5),
  /** The original's reconcile interval, for the computed baseline (BENCH_ORIGINAL_SECONDS, default 300). */
  originalSeconds: () => positive('BENCH_ORIGINAL_SECONDS', 300),
};
