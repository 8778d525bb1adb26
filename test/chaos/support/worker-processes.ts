import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startSimulatedCloud, type SimulatedCloud } from '../../../simulators/cloud';
import { startWorkerProcess, stopWorkerProcess, type WorkerProcess } from '../../../bench/configured-worker';
import { connectTestEnv, uniqueName } from '../../support/temporal';
import type { FlavorHandle } from './flavor';

/**
 * A chaos file's scene: the test server, the simulators, and worker processes (real ones, to be killed)
 * on a task queue of its own. After the file's tests the flavor is terminated and everything stopped.
 */
export class WorkerProcessScene {
  readonly taskQueue: string;
  readonly workers: WorkerProcess[] = [];
  /** The flavor under test, terminated at the end. */
  handle?: FlavorHandle;
  #env?: TestWorkflowEnvironment;
  #cloud?: SimulatedCloud;

  constructor(prefix: string) {
    this.taskQueue = uniqueName(prefix);
    beforeAll(async () => {
      this.#env = await connectTestEnv();
      this.#cloud = await startSimulatedCloud({ openstack: { bootDelayMs: 200 } });
    });
    afterAll(async () => {
      await this.handle?.terminate('test over').catch(() => undefined);
      for (const worker of this.workers) await stopWorkerProcess(worker);
      await this.#cloud?.close();
      await this.#env?.teardown();
    });
  }

  get env(): TestWorkflowEnvironment {
    if (!this.#env) throw new Error('the scene is not started');
    return this.#env;
  }

  get cloud(): SimulatedCloud {
    if (!this.#cloud) throw new Error('the scene is not started');
    return this.#cloud;
  }

  /** A new worker process on the scene's task queue, kept for the end. */
  async startWorker(): Promise<WorkerProcess> {
    const worker = await startWorkerProcess(this.cloud, { address: this.env.address, taskQueue: this.taskQueue });
    this.workers.push(worker);
    return worker;
  }
}
