import type { Client } from '@temporalio/client';
import { createActivities } from '../activities';
import { createRunnerFleet } from '../activities/fleet';
import { createGitHubRunnerClient } from '../activities/github/client';
import type { RunnerActivities } from '../activities/interfaces';
import { createOpenStackClient } from '../activities/openstack';
import { PlannerClient } from '../activities/planner/client';
import { pressureSignal } from '../workflows/definitions';
import type { WorkerConfig } from './config/load';

/** The real activities: the worker's secrets go into these clients and nowhere else. */
export function buildActivities(config: WorkerConfig, client: Client): RunnerActivities {
  const planner = config.planner && new PlannerClient({ baseUrl: config.planner.url, token: config.planner.token });
  const compute = createOpenStackClient(config.openstack.credentials);
  const registry = createGitHubRunnerClient({
    auth: config.github.auth,
    scope: config.github.scope,
    baseUrl: config.github.baseUrl,
  });
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
    signalPressure: (run, signal) =>
      client.workflow.getHandle(run.workflowId, run.runId).signal(pressureSignal, signal),
  });
}
