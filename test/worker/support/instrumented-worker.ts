import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { SimulatedCloud } from '../../../simulators/cloud';
import { buildActivities } from '../../../worker/activities';
import { flavorMetricsSinks } from '../../../worker/metrics/flavor-sinks';
import { instrumentActivities } from '../../../worker/metrics/instrument';
import { pressureObserver } from '../../../worker/metrics/pressure-observer';
import { startMetricsServer, type MetricsServer } from '../../../worker/metrics/server';
import { createWorkerMetrics, type GitHubRateLimitSource } from '../../../worker/metrics/worker-metrics';
import { createTestWorker } from '../../support/temporal';

export interface InstrumentedWorker {
  worker: Worker;
  running: Promise<void>;
  server: MetricsServer;
  scrape(): Promise<string>;
  close(): Promise<void>;
}

/**
 * A worker in this process wired as runWorker wires it (instrumented activities, the client's pressure
 * observer, the flavors' metrics sink) with the real activities against the simulators, and its
 * /metrics served over HTTP; `sdkScrape` appends the SDK's part as the real endpoint does.
 */
export async function startInstrumentedWorker(
  env: TestWorkflowEnvironment,
  cloud: SimulatedCloud,
  options: { taskQueue: string; github?: GitHubRateLimitSource; sdkScrape?: () => Promise<string> },
): Promise<InstrumentedWorker> {
  const metrics = createWorkerMetrics({ github: options.github });
  const config = cloud.workerConfig({ address: env.address, namespace: 'default', taskQueue: options.taskQueue });
  const client = new Client({ connection: env.connection, interceptors: { workflow: [pressureObserver(metrics)] } });
  const worker = await createTestWorker(env, {
    taskQueue: options.taskQueue,
    activities: instrumentActivities(buildActivities(config, client), metrics),
    sinks: flavorMetricsSinks(metrics),
  });
  const running = worker.run();
  const server = await startMetricsServer({
    host: '127.0.0.1',
    port: 0,
    registry: metrics.registry,
    extra: options.sdkScrape,
    workerState: () => worker.getState(),
  });
  let closed: Promise<void> | undefined;
  const close = async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await server.close();
  };
  return {
    worker,
    running,
    server,
    scrape: async () => (await fetch(`${server.url}/metrics`)).text(),
    /** Once; later calls wait for the first. */
    close: () => (closed ??= close()),
  };
}
