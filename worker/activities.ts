import type { Client } from '@temporalio/client';
import { createActivities } from '../activities';
import { createRunnerFleet } from '../activities/fleet';
import { connectGitHub, createGitHubRunnerClient, type GitHubConnection } from '../activities/github/client';
import { createJobChecker } from '../activities/github/jobs';
import type { RunnerActivities } from '../contracts/activities';
import { createOpenStackClient } from '../activities/openstack';
import { PlannerClient } from '../activities/planner/client';
import { pressureSignal } from '../contracts/definitions';
import type { WorkerConfig } from './config/load';

/** The worker's one GitHub connection: the runner client and the job checker share it, and its rate limit. */
export function connectWorkerGitHub(config: WorkerConfig): GitHubConnection {
  return connectGitHub({ auth: config.github.auth, baseUrl: config.github.baseUrl });
}

/** The real activities: the worker's secrets go into these clients and nowhere else. */
export function buildActivities(
  config: WorkerConfig,
  client: Client,
  github: GitHubConnection = connectWorkerGitHub(config),
): RunnerActivities {
  const planner = config.planner && new PlannerClient({ baseUrl: config.planner.url, token: config.planner.token });
  const compute = createOpenStackClient(config.openstack.credentials);
  const registry = createGitHubRunnerClient({ connection: github, scope: config.github.scope });
  const fleet = createRunnerFleet({
    compute,
    registry,
    options: {
      managerId: config.managerId,
      runnerGroup: config.github.runnerGroup,
      securityGroups: config.openstack.securityGroups,
      keyName: config.openstack.keyName,
      boot: config.runner && { runnerDir: config.runner.dir, runnerUser: config.runner.user },
    },
  });
  return createActivities({
    planner,
    fleet,
    jobs: createJobChecker(github),
    signalPressure: (run, signal) =>
      client.workflow.getHandle(run.workflowId, run.runId).signal(pressureSignal, signal),
  });
}
