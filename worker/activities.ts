import type { Client } from '@temporalio/client';
import { createActivities, type ActivityDeps } from '../activities';
import { createRunnerFleet } from '../activities/fleet';
import {
  connectGitHub,
  createGitHubRunnerClient,
  type GitHubAuth,
  type GitHubConnection,
} from '../activities/github/client';
import { perMinuteBudget } from '../activities/github/endpoint-budget';
import { createJobChecker } from '../activities/github/jobs';
import type { RunnerActivities } from '../contracts/activities';
import { createOpenStackClient } from '../activities/openstack';
import { PlannerClient, type PlannerClientOptions } from '../activities/planner/client';
import { pressureSignal } from '../contracts/definitions';
import { namedCredentials } from './config/github-credentials';
import type { WorkerConfig } from './config/load';
import type { SecretSource } from './config/secret-source';
import { workerSecrets, type WorkerSecrets } from './config/worker-secrets';
import type { WorkerMetrics } from './metrics/worker-metrics';

/**
 * The worker's one GitHub connection: the runner client and the job checker share it, and its rate limits.
 * Each token or App key is read at each request, from its source in `secrets`; a pool's credentials
 * each get the configured endpoint budget.
 */
export function connectWorkerGitHub(
  config: WorkerConfig,
  secrets: WorkerSecrets = workerSecrets(config),
): GitHubConnection {
  const { baseUrl, endpointPointsPerMinute: points } = config.github;
  const auth = namedCredentials(config.github.auth).map(({ auth: one }, index): GitHubAuth => {
    const read = () => secrets.github[index].source.read().value;
    return one.kind === 'token'
      ? { kind: 'token', token: read }
      : { kind: 'app', appId: one.appId, installationId: one.installationId, privateKey: read };
  });
  return connectGitHub({
    auth,
    baseUrl,
    endpointBudget: points === undefined ? undefined : perMinuteBudget(points),
  });
}

/**
 * The planner client's options: the token is read from its source at each connect, and lines without
 * the flavor (a flavor deleted at the planner) are counted in the worker's metrics.
 */
export function plannerOptions(url: string, token: SecretSource, metrics?: WorkerMetrics): PlannerClientOptions {
  const onFlavorMissingLine = metrics && ((flavor: string) => metrics.plannerFlavorMissingLines.inc({ flavor }));
  return { baseUrl: url, token: () => token.read().value, onFlavorMissingLine };
}

/** What one worker process shares between its activities, its intake and /health. */
export interface SharedClients {
  secrets?: WorkerSecrets;
  github?: GitHubConnection;
  /** The worker's metrics, for what the clients count themselves. */
  metrics?: WorkerMetrics;
}

/** The real activities: the worker's secrets go into these clients and nowhere else. */
export function buildActivities(
  config: WorkerConfig,
  client: Client,
  { secrets = workerSecrets(config), github = connectWorkerGitHub(config, secrets), metrics }: SharedClients = {},
): RunnerActivities {
  const planner =
    config.planner &&
    secrets.planner &&
    new PlannerClient(plannerOptions(config.planner.url, secrets.planner, metrics));
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
  const deps: ActivityDeps = {
    planner,
    plannerTokenReadAt: () => secrets.planner?.status().readAt,
    fleet,
    jobs: createJobChecker(github),
    signalPressure: (run, signal) =>
      client.workflow.getHandle(run.workflowId, run.runId).signal(pressureSignal, signal),
  };
  return createActivities(deps);
}
