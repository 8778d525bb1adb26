import {
  startGitHubSimulator,
  type GitHubSimulator,
  type GitHubSimulatorOptions,
  type QueueJobRequest,
  type SimulatedJob,
} from './github';
import { startOpenStackSimulator, type OpenStackSimulator, type OpenStackSimulatorOptions } from './openstack';
import { startPlannerSimulator, type PlannerSimulator, type PlannerSimulatorOptions } from './planner';
import { jitConfigFromUserData } from './vm-boot';

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
  /** A workflow job for the runners: an idle one whose labels fit takes it, now or once one boots. */
  queueJob(request: QueueJobRequest): { id: number; url: string };
  jobs(): SimulatedJob[];
  /** The job ends: when it ran, as finishJob on its runner; when it waited, it is cancelled. */
  finishJobById(jobId: number, conclusion?: string): void;
  /**
   * A worker configuration (worker/config/load.ts's shape) that points at these simulators; Temporal's
   * part comes from the caller.
   */
  workerConfig<Temporal>(temporal: Temporal, managerId?: string): SimulatedWorkerConfig<Temporal>;
  /**
   * Every secret these simulators handed out, labelled (never shown by value): the planner and GitHub
   * tokens, the OpenStack password and application credential, and each JIT config issued so far.
   */
  secrets(): { label: string; value: string }[];
  close(): Promise<void>;
}

export interface SimulatedWorkerConfig<Temporal> {
  managerId: string;
  temporal: Temporal;
  planner: { url: string; token: string };
  github: { baseUrl: string; scope: { org: string }; auth: { kind: 'token'; token: string } };
  openstack: { credentials: OpenStackSimulator['credentials'] };
}

const PLANNER_TOKEN = 'planner-sim-token';

export async function startSimulatedCloud(
  options: {
    planner?: PlannerSimulatorOptions;
    openstack?: OpenStackSimulatorOptions;
    github?: GitHubSimulatorOptions;
  } = {},
): Promise<SimulatedCloud> {
  const planner = await startPlannerSimulator({ token: PLANNER_TOKEN, ...options.planner });
  const openstack = await startOpenStackSimulator({ bootDelayMs: 200, ...options.openstack });
  const github = await startGitHubSimulator({ token: 'ghp_simulatedGitHubToken', ...options.github });
  openstack.onServerActive((server) => {
    const jitConfig = server.userData && jitConfigFromUserData(server.userData);
    if (!jitConfig) return;
    try {
      github.bootRunner(jitConfig);
    } catch {
      // The registration was deleted (or used) before the VM booted: run.sh fails to connect and the VM
      // idles with no runner, as a real one would. The fleet sees a VM without a registration.
    }
  });
  // A deleted VM takes its runner process with it: GitHub sees the runner offline and its job failed.
  openstack.onServerDeleted((server) => github.loseRunner(server.name));
  const powerOff = (runnerName: string) => {
    for (const server of openstack.servers()) {
      if (server.name === runnerName && server.status === 'ACTIVE') openstack.setServerStatus(server.id, 'SHUTOFF');
    }
  };
  return {
    planner,
    openstack,
    github,
    assignJob: (runnerName) => void github.assignJob(runnerName),
    finishJob(runnerName) {
      github.finishJob(runnerName);
      powerOff(runnerName);
    },
    queueJob: (request) => github.queueJob(request),
    jobs: () => github.jobs(),
    finishJobById(jobId, conclusion) {
      const runnerName = github.jobs().find((job) => job.id === jobId)?.runnerName;
      github.finishJobById(jobId, conclusion);
      if (runnerName) powerOff(runnerName);
    },
    workerConfig: (temporal, managerId = 'runner-autoscaler') => ({
      managerId,
      temporal,
      planner: { url: planner.url, token: PLANNER_TOKEN },
      github: { baseUrl: github.url, scope: { org: github.org }, auth: { kind: 'token', token: github.token } },
      openstack: { credentials: openstack.credentials },
    }),
    secrets() {
      const { credentials, applicationCredentials } = openstack;
      return [
        { label: 'planner token', value: PLANNER_TOKEN },
        { label: 'GitHub token', value: github.token },
        {
          label: 'OpenStack password',
          value: credentials.authType === 'password' ? credentials.password.reveal() : '',
        },
        { label: 'OpenStack application credential', value: applicationCredentials.secret.reveal() },
        ...github.issuedJitConfigs().map((value, i) => ({ label: `JIT config #${i + 1}`, value })),
      ].filter((secret) => secret.value.length >= 8);
    },
    async close() {
      await Promise.all([planner.close(), openstack.close(), github.close()]);
    },
  };
}
