import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { SimulatedCloud } from '../../../simulators/cloud';
import { buildActivities } from '../../../worker/activities';
import { createTestWorker, uniqueName } from '../../support/temporal';

/** The real activities over the simulators, in a worker inside the test process, on the suite's server. */
export async function startInProcessWorker(env: TestWorkflowEnvironment, cloud: SimulatedCloud, name: string) {
  const taskQueue = uniqueName(name);
  const config = cloud.workerConfig({ address: env.address, namespace: 'default', taskQueue });
  const worker = await createTestWorker(env, { taskQueue, activities: buildActivities(config, env.client) });
  const running = worker.run();
  return {
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
    },
  };
}
