import type { Client } from '@temporalio/client';
import type { FlavorReconcilerInput } from '../../contracts/flavor-workflow';
import { startFlavor } from '../../contracts/start-flavor';

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
      const { handle, started } = await startFlavor(client, { taskQueue, settings });
      return { flavor: settings.flavor, workflowId: handle.workflowId, reused: !started };
    }),
  );
}
