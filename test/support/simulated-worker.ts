import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import { buildActivities } from '../../worker/activities';
import type { WorkerConfig } from '../../worker/config/load';
import { connectTestEnv, createTestWorker, uniqueName } from './temporal';

export interface SimulatedWorker {
  /** The dev server's environment and the simulators: read them from beforeAll on. */
  readonly env: TestWorkflowEnvironment;
  readonly cloud: SimulatedCloud;
  /** The file's own task queue, the one beforeAll's worker polls. */
  readonly taskQueue: string;
  /**
   * Starts a worker with the real activities on the simulators, on `taskQueue` (the file's by default),
   * its configuration first passed through `configure`. Returns the task queue.
   */
  startWorker(options?: { taskQueue?: string; configure?: (config: WorkerConfig) => WorkerConfig }): Promise<string>;
  /** Shuts down every worker started so far and waits until each has stopped. */
  stopWorkers(): Promise<void>;
}

export interface SimulatedWorkerOptions {
  /** false: beforeAll starts no worker, the tests start their own. */
  worker?: boolean;
  /** What must end while the workers, the simulators and the server still run: afterAll's first step. */
  beforeStop?: () => Promise<void>;
}

/**
 * The end-to-end tests' set-up: a real Temporal dev server, the simulators over loopback HTTP and a
 * worker with the real activities on a task queue of the file's own, started in beforeAll and stopped in
 * afterAll (the workers, then the simulators, then the connection).
 */
export function useSimulatedWorker(
  name: string,
  cloudOptions: Parameters<typeof startSimulatedCloud>[0],
  options: SimulatedWorkerOptions = {},
): SimulatedWorker {
  let env: TestWorkflowEnvironment | undefined;
  let cloud: SimulatedCloud | undefined;
  const workers: { worker: Worker; running: Promise<void> }[] = [];
  const sim: SimulatedWorker = {
    get env() {
      return started(env);
    },
    get cloud() {
      return started(cloud);
    },
    taskQueue: uniqueName(name),
    async startWorker({ taskQueue = sim.taskQueue, configure = (config: WorkerConfig) => config } = {}) {
      const { env, cloud } = sim;
      const config = configure(cloud.workerConfig({ address: env.address, namespace: 'default', taskQueue }));
      const worker = await createTestWorker(env, { taskQueue, activities: buildActivities(config, env.client) });
      workers.push({ worker, running: worker.run() });
      return taskQueue;
    },
    async stopWorkers() {
      const stopping = workers.splice(0);
      for (const { worker } of stopping) worker.shutdown();
      await Promise.all(stopping.map(({ running }) => running));
    },
  };

  beforeAll(async () => {
    env = await connectTestEnv();
    cloud = await startSimulatedCloud(cloudOptions);
    if (options.worker !== false) await sim.startWorker();
  });

  afterAll(async () => {
    if (env) await options.beforeStop?.();
    await sim.stopWorkers();
    await cloud?.close();
    await env?.teardown();
  });

  return sim;
}

function started<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the simulated worker is read before its beforeAll has run');
  return value;
}
