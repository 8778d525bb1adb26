import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { RunnerActivities } from '../contracts/activities';
import type { WorkerConfig } from './config/load';
import { flavorMetricsSinks } from './metrics/flavor-sinks';
import { instrumentActivities } from './metrics/instrument';
import { pressureObserver } from './metrics/pressure-observer';
import type { WorkerMetrics } from './metrics/worker-metrics';
import { bundleApart } from './workflow-bundle';

export interface RunningWorker {
  worker: Worker;
  client: Client;
  /** Settles when the worker has shut down (after `worker.shutdown()` or a signal). */
  done: Promise<void>;
  close(): Promise<void>;
}

export interface RunWorkerOptions {
  /** Record what the activities do, and the pressure values their client signals, in these metrics. */
  metrics?: WorkerMetrics;
  worker?: Partial<WorkerOptions>;
}

/**
 * Connects to Temporal and runs a worker for every flavor workflow and its activities. Each pressure
 * stream holds an activity slot for as long as it runs, so the activity slots are sized for a thousand
 * flavors; creates are local activities with their own slots. Several workers may share a task queue:
 * Temporal spreads the flavors and their streams across them.
 */
export async function runWorker(
  config: Pick<WorkerConfig, 'temporal'>,
  makeActivities: (client: Client) => RunnerActivities,
  { metrics, worker: overrides = {} }: RunWorkerOptions = {},
): Promise<RunningWorker> {
  const { address, namespace, taskQueue, tls, apiKey, metadata } = config.temporal;
  const connection = await NativeConnection.connect({ address, tls, apiKey, metadata });
  const clientConnection = await Connection.connect({ address, tls, apiKey, metadata });
  const client = new Client({
    connection: clientConnection,
    namespace,
    interceptors: metrics && { workflow: [pressureObserver(metrics)] },
  });
  const activities = makeActivities(client);
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    // A bundle given by the caller (the test suite's) is used as it is.
    workflowBundle: overrides.workflowBundle ?? (await bundleApart()),
    activities: metrics ? instrumentActivities(activities, metrics) : activities,
    sinks: flavorMetricsSinks(metrics),
    maxConcurrentActivityTaskExecutions: 2000,
    maxConcurrentLocalActivityExecutions: 200,
    maxCachedWorkflows: 2000,
    ...overrides,
  });
  const done = worker.run();
  const close = async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await done;
    await clientConnection.close();
    await connection.close();
  };
  return { worker, client, done, close };
}
