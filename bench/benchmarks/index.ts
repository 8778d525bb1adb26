import type { BenchOutcome } from '../results';
import { burstBenchmark, burstPoolBenchmark } from './burst';
import { economyBenchmark } from './economy';
import { economyScaleBenchmark } from './economy-scale';
import { latencyBenchmark } from './latency';
import { scaleBenchmark } from './scale';
import { scaleOutBenchmark } from './scale-out';

/** The benchmarks `npm run bench` runs, in the order BENCHMARKS.md shows them (the soak's result after). */
export const BENCHMARKS: Record<string, () => Promise<BenchOutcome>> = {
  latency: latencyBenchmark,
  burst: burstBenchmark,
  'burst-pool': burstPoolBenchmark,
  scale: scaleBenchmark,
  economy: economyBenchmark,
  'economy-scale': economyScaleBenchmark,
  'scale-out': scaleOutBenchmark,
};

export const BENCHMARK_ORDER = Object.keys(BENCHMARKS);
