import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';

/** What the worker process measures of itself; times in ms, sizes in bytes. */
export interface ProcessSample {
  /** Date.now() */
  at: number;
  rssBytes: number;
  /** The main thread's V8 heap (the workflow threads' heaps are not in it, only in RSS). */
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Memory of the main thread's JS objects held outside its heap (Buffers among them). */
  externalBytes: number;
  /** Event-loop utilisation (0..1) and delay since the previous sample. */
  elu: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

export interface WindowReport {
  seconds: number;
  /** Largest RSS sampled in the window, and at its end. */
  rssMaxBytes: number;
  rssEndBytes: number;
  /** The kernel's high-water mark of RSS over the whole life of the process (getrusage maxrss). */
  rssPeakLifetimeBytes: number;
  lagMs: { mean: number; p50: number; p99: number; max: number };
  elu: number;
}

const RESOLUTION_MS = 10;
/** Node records each timer interval whole (about 10 ms when idle); the lag is what exceeds the resolution. */
const lagMs = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);

/**
 * Samples memory and event-loop delay every `intervalMs`, and keeps a second delay histogram for the
 * window since the last mark(), so that a benchmark phase gets its own percentiles rather than an average
 * of per-second figures. Node measures the delay with a 10 ms timer, so lag finer than that is not seen.
 */
export function startProcessMonitor(intervalMs: number, onSample: (sample: ProcessSample) => void) {
  const perSample = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const perWindow = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  perSample.enable();
  perWindow.enable();
  let sampleElu: EventLoopUtilization = performance.eventLoopUtilization();
  let windowElu = sampleElu;
  let windowStart = Date.now();
  let rssMax = 0;

  const timer = setInterval(() => {
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    rssMax = Math.max(rssMax, rss);
    const elu = performance.eventLoopUtilization(sampleElu);
    sampleElu = performance.eventLoopUtilization();
    onSample({
      at: Date.now(),
      rssBytes: rss,
      heapUsedBytes: heapUsed,
      heapTotalBytes: heapTotal,
      externalBytes: external,
      elu: Math.round(elu.utilization * 1000) / 1000,
      lagP99Ms: lagMs(perSample.percentile(99)),
      lagMaxMs: lagMs(perSample.max),
    });
    perSample.reset();
  }, intervalMs);
  timer.unref();

  return {
    mark(): void {
      perWindow.reset();
      windowElu = performance.eventLoopUtilization();
      windowStart = Date.now();
      rssMax = process.memoryUsage.rss();
    },
    report(): WindowReport {
      const rss = process.memoryUsage.rss();
      return {
        seconds: Math.round((Date.now() - windowStart) / 100) / 10,
        rssMaxBytes: Math.max(rssMax, rss),
        rssEndBytes: rss,
        rssPeakLifetimeBytes: process.resourceUsage().maxRSS * 1024,
        lagMs: {
          mean: lagMs(perWindow.mean),
          p50: lagMs(perWindow.percentile(50)),
          p99: lagMs(perWindow.percentile(99)),
          max: lagMs(perWindow.max),
        },
        elu: Math.round(performance.eventLoopUtilization(windowElu).utilization * 1000) / 1000,
      };
    },
    stop(): void {
      clearInterval(timer);
      perSample.disable();
      perWindow.disable();
    },
  };
}
