import { WorkflowClient, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { pressureSignal, stateQuery } from '../../contracts/definitions';
import type { FlavorReconcilerInput, FlavorWorkflow } from '../../contracts/flavor-workflow';
import { startFlavor } from '../../contracts/start-flavor';
import { WITHOUT_IDLE_CONFIRMATION } from './idle-rule';
import type { FlavorState } from '../../contracts/state';
import { FakeClouds, type FakeCloud } from './fake-cloud';
import { FakeJobs } from './fake-jobs';
import { FakePlanner } from './fake-planner';
import { connectTestEnv, createTestWorker, uniqueName } from './temporal';
import { eventually } from './wait';

/**
 * A real worker on the test server with the real fleet over an in-memory Nova and GitHub (one per flavor,
 * test/support/fake-cloud.ts) and an in-process planner: the workflow, its timers, signals, queries,
 * updates, local activities and the fleet's code all run for real.
 */
export class FlavorHarness {
  readonly planner = new FakePlanner();
  readonly clouds = new FakeClouds();
  readonly jobs = new FakeJobs();
  readonly handles: WorkflowHandle<FlavorWorkflow>[] = [];
  private worker?: Worker;
  private running?: Promise<void>;

  private connected?: TestWorkflowEnvironment;

  /** A unique task queue by default, so test files never share a worker. */
  constructor(readonly taskQueue = uniqueName('flavor-tests')) {}

  /** The test server's environment, once `start` has connected it. */
  get env(): TestWorkflowEnvironment {
    if (!this.connected) throw new Error('the harness is not started');
    return this.connected;
  }

  get client(): WorkflowClient {
    return this.env.client.workflow;
  }

  async start(): Promise<void> {
    this.connected ??= await connectTestEnv();
    this.worker = await createTestWorker(this.env, { taskQueue: this.taskQueue, activities: this.activities() });
    this.running = this.worker.run();
  }

  /** Shuts the worker down (its streams are cancelled as in a deploy) and starts a new one. */
  async restartWorker(): Promise<void> {
    this.worker?.shutdown();
    await this.running;
    await this.start();
  }

  private activities() {
    return createActivities({
      planner: this.planner,
      fleet: this.clouds.fleet,
      jobs: this.jobs,
      signalPressure: (run, signal) => this.client.getHandle(run.workflowId, run.runId).signal(pressureSignal, signal),
    });
  }

  async stop(): Promise<void> {
    // Worker first: its streams end as a handover while their workflows still run, then the workflows go.
    this.worker?.shutdown();
    await this.running;
    for (const handle of this.handles) await handle.terminate('test over').catch(() => undefined);
    await this.connected?.teardown();
  }

  /** The flavor's fake cloud: its runners, its Nova and GitHub, what the workflow asked of its fleet. */
  fleet(flavor: string): FakeCloud {
    return this.clouds.of(flavor);
  }

  /**
   * A flavor's full settings as this harness gives them: the idle-confirmation rule off, since these
   * tests tick seconds apart. Tests that apply new settings build them here too, or the rule comes back.
   */
  settings(flavor: string, settings: Omit<FlavorReconcilerInput['settings'], 'flavor'>) {
    return { flavor, ...WITHOUT_IDLE_CONFIRMATION, ...settings };
  }

  /** Starts a flavor workflow with a fresh flavor name; answers its handle and its fleet. */
  async startFlavor(
    settings: Omit<FlavorReconcilerInput['settings'], 'flavor'>,
    carried?: FlavorReconcilerInput['carried'],
  ) {
    const flavor = uniqueName('f');
    const { handle } = await startFlavor(this.env.client, {
      taskQueue: this.taskQueue,
      settings: this.settings(flavor, settings),
      carried,
    });
    this.handles.push(handle);
    return { flavor, handle, fleet: this.fleet(flavor) };
  }

  state(handle: WorkflowHandle): Promise<FlavorState> {
    return handle.query(stateQuery);
  }

  /** Waits until the state query's answer passes `accept`. */
  until(handle: WorkflowHandle, accept: (state: FlavorState) => boolean, what = 'state'): Promise<FlavorState> {
    return eventually(() => this.state(handle), accept, { what });
  }
}

/**
 * The harness of one test file: its worker up before the first test; worker, workflows and connection
 * gone after the last.
 */
export function useFlavorHarness(taskQueue?: string): FlavorHarness {
  const harness = new FlavorHarness(taskQueue);
  beforeAll(() => harness.start());
  afterAll(() => harness.stop());
  return harness;
}
