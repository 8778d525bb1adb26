import type { Client } from '@temporalio/client';
import type { SimulatedCloud } from '../../simulators/cloud';
import { flavorWorkflowId } from '../../contracts/flavor-workflow';
import { stateQuery } from '../../contracts/definitions';
import { ownsRunnerName } from '../../contracts/runner-names';
import type { FlavorState } from '../../contracts/state';

/** One flavor as the dashboard shows it: the workflow's own view and what the simulators hold. */
export interface FlavorView {
  flavor: string;
  /** What the scenario last set at the planner. */
  pressure: number;
  /** The `state` query's answer; undefined (with `stateError`) when it did not answer. */
  state?: FlavorState;
  stateError?: string;
  /** VMs at the OpenStack simulator, by status. */
  vms: Record<string, number>;
  /** Registrations at the GitHub simulator that run a job. */
  busy: number;
}

const QUERY_TIMEOUT_MS = 2000;

export async function observeFlavors(
  client: Client,
  cloud: SimulatedCloud,
  flavors: string[],
  pressureOf: (flavor: string) => number,
): Promise<FlavorView[]> {
  const servers = cloud.openstack.servers();
  const runners = cloud.github.runners();
  return Promise.all(
    flavors.map(async (flavor) => {
      const vms: Record<string, number> = {};
      for (const server of servers) {
        if (ownsRunnerName(flavor, server.name)) vms[server.status] = (vms[server.status] ?? 0) + 1;
      }
      const busy = runners.filter((runner) => runner.busy && ownsRunnerName(flavor, runner.name)).length;
      const view: FlavorView = { flavor, pressure: pressureOf(flavor), vms, busy };
      try {
        const handle = client.workflow.getHandle(flavorWorkflowId(flavor));
        view.state = await client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(stateQuery));
      } catch (err) {
        view.stateError = err instanceof Error ? err.message : String(err);
      }
      return view;
    }),
  );
}
