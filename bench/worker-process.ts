/**
 * The worker under benchmark, as its own process so that its RSS and event loop are its own: the real
 * worker (runWorker + buildActivities) configured from the environment, exactly as a deployment reads
 * it. It reports to its parent over IPC (see worker-child.ts): 'ready', a sample every second, and a
 * window report when asked; 'stop' shuts it down gracefully.
 */
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { buildActivities, loadWorkerConfig, runWorker } from '../worker';
import { recordCreateHops } from './create-hops';
import { startProcessMonitor } from './process-monitor';
import { histogramWindow, sdkHistogramExporter } from './sdk-histograms';
import type { ChildMessage, ParentMessage, WorkerSample } from './worker-child';

const SAMPLE_INTERVAL_MS = 1000;

async function main(): Promise<void> {
  const send = (message: ChildMessage) => process.send?.(message);
  const config = loadWorkerConfig({ env: process.env });
  // Warnings and errors only: the benchmark's own output stays readable, and logging costs little CPU.
  // Core's latency histograms, as a deployment exports them (worker/metrics), at a finer resolution.
  const sdk = await sdkHistogramExporter();
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    shutdownSignals: [],
    telemetryOptions: { metrics: sdk.telemetry },
  });
  // The samples start before the worker exists (bundling is in them); its counts join once it runs.
  const started: { worker?: Worker } = {};
  const monitor = startProcessMonitor(SAMPLE_INTERVAL_MS, (sample) =>
    send({ type: 'sample', sample: { ...sample, ...(started.worker && workerFigures(started.worker)) } }),
  );
  // Where each create spends its time inside the worker: subscribers to diagnostics channels and an
  // activity interceptor, a few microseconds a request.
  const createHops = recordCreateHops();
  const running = await runWorker(config, (client) => buildActivities(config, client), {
    worker: { interceptors: { activity: [createHops.interceptor] } },
  });
  started.worker = running.worker;
  running.done.catch((err: unknown) => {
    console.error('worker failed:', err);
    process.exit(1);
  });
  // A window's histograms are what core recorded since its mark: the read at the mark taken from the read at the
  // report. A read that fails ends the process, so that the benchmark stops with the reason, not without a figure.
  const read = () => {
    const histograms = sdk.read();
    histograms.catch((err: unknown) => {
      console.error("reading the SDK's histograms:", err);
      process.exit(1);
    });
    return histograms;
  };
  let marked = read();
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'mark') {
      monitor.mark();
      marked = read();
    }
    if (message.type === 'report') {
      const report = monitor.report();
      void Promise.all([marked, read()]).then(([before, after]) =>
        send({ type: 'report', report: { ...report, sdk: histogramWindow(before, after) } }),
      );
    }
    if (message.type === 'hops') send({ type: 'hops', hops: createHops.hops() });
    if (message.type === 'stop') {
      monitor.stop();
      void running.close().then(() => process.exit(0));
    }
  });
  send({ type: 'ready' });
}

/** What the worker holds: its workflow cache and its running activities (each stream is one). */
function workerFigures(worker: Worker): Partial<WorkerSample> {
  const status = worker.getStatus();
  return {
    cachedWorkflows: status.numCachedWorkflows,
    runningActivities: status.numInFlightNonLocalActivities,
    heartbeatingActivities: status.numHeartbeatingActivities,
  };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
