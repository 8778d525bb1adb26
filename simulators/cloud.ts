import type { WorkerConfig } from '../worker/config/load';
import { jitConfigFromUserData } from '../activities/fleet/user-data';
import { startGitHubSimulator, type GitHubSimulator } from './github';
import { startOpenStackSimulator, type OpenStackSimulator, type OpenStackSimulatorOptions } from './openstack';
import { startPlannerSimulator, type PlannerSimulator, type PlannerSimulatorOptions } from './planner';

/**
 * The three simulators, linked the way the real systems are: a VM that turns ACTIVE runs its user
 * data, so its just-in-time runner comes online at GitHub; a runner whose job ends deregisters and its
 * VM powers off. Tests, `npm start` and the benchmarks use this.
 */
export interface SimulatedCloud {
  planner: PlannerSimulator;
  openstack: OpenStackSimulator;
  github: GitHubSimulator;
  /** A job starts on this runner: it is busy. */
  assignJob(runnerName: string): void;
  /** The runner's job ends: it deregisters and its VM shuts off. */
  finishJob(runnerName: string): void;
  /** Worker settings that point at these simulators (Temporal's part comes from the caller). */
  workerConfig(temporal: WorkerConfig['temporal'], managerId?: string): WorkerConfig;
  close(): Promise<void>;
}

export async function startSimulatedCloud(
  options: { planner?: PlannerSimulatorOptions; openstack?: OpenStackSimulatorOptions } = {},
): Promise<SimulatedCloud> {
  const planner = await startPlannerSimulator({ token: 'planner-sim-token', ...options.planner });
  const openstack = await startOpenStackSimulator({ bootDelayMs: 200, ...options.openstack });
  const github = await startGitHubSimulator({ token: 'ghp_simulatedGitHubToken' });
  openstack.onServerActive((server) => {
    const jitConfig = server.userData && jitConfigFromUserData(server.userData);
    if (jitConfig) github.bootRunner(jitConfig);
  });
  return {
    planner,
    openstack,
    github,
    assignJob: (runnerName) => void github.assignJob(runnerName),
    finishJob(runnerName) {
      github.finishJob(runnerName);
      for (const server of openstack.servers()) {
        if (server.name === runnerName && server.status === 'ACTIVE') openstack.setServerStatus(server.id, 'SHUTOFF');
      }
    },
    workerConfig: (temporal, managerId = 'runner-autoscaler') => ({
      managerId,
      temporal,
      planner: { url: planner.url, token: 'planner-sim-token' },
      github: { baseUrl: github.url, scope: { org: github.org }, auth: { kind: 'token', token: github.token } },
      openstack: { credentials: openstack.credentials },
    }),
    async close() {
      await Promise.all([planner.close(), openstack.close(), github.close()]);
    },
  };
}
