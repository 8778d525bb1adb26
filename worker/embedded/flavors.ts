import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { flavorWorkflowId } from '../../workflows/definitions';
import type { flavorReconciler } from '../../workflows/flavor-reconciler';
import type { FlavorReconcilerInput } from '../../workflows/types';

/** The two example flavors of `npm start`; a cleanup tick every 15 s so that cleanup shows up in a minute. */
export const EXAMPLE_FLAVORS: FlavorReconcilerInput['settings'][] = [
  {
    flavor: 'small',
    mode: 'planner',
    minRunners: 1,
    maxRunners: 20,
    fallbackRunners: 2,
    cleanupIntervalSeconds: 15,
    image: 'ubuntu-24.04',
    openstackFlavor: 'm1.small',
    network: 'runners-net',
    labels: ['self-hosted', 'small'],
  },
  {
    flavor: 'large',
    mode: 'planner',
    maxRunners: 8,
    cleanupIntervalSeconds: 15,
    image: 'ubuntu-24.04',
    openstackFlavor: 'm1.large',
    network: 'runners-net',
    labels: ['self-hosted', 'large'],
  },
];

export interface StartedFlavor {
  flavor: string;
  workflowId: string;
  /** Already running, from an earlier `npm start` on the same database: left as it is, settings included. */
  reused: boolean;
}

export async function startExampleFlavors(client: Client, taskQueue: string): Promise<StartedFlavor[]> {
  return Promise.all(
    EXAMPLE_FLAVORS.map(async (settings) => {
      const workflowId = flavorWorkflowId(settings.flavor);
      try {
        await client.workflow.start<typeof flavorReconciler>('flavorReconciler', {
          workflowId,
          taskQueue,
          args: [{ settings }],
        });
        return { flavor: settings.flavor, workflowId, reused: false };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError)
          return { flavor: settings.flavor, workflowId, reused: true };
        throw err;
      }
    }),
  );
}
