import { Client, Connection } from '@temporalio/client';
import { perMinuteBudget } from '../activities/github/endpoint-budget';
import { startSimulatedCloud, type SimulatedCloud } from '../simulators/cloud';
import type { GitHubSimulatorOptions } from '../simulators/github';
import type { OpenStackSimulatorOptions } from '../simulators/openstack';
import type { PlannerSimulatorOptions } from '../simulators/planner';
import { startBenchDevServer } from './dev-server';
import { startWorkerChild, type WorkerChild } from './worker-child';

export const TASK_QUEUE = 'bench';
/** The worker's managerId: the ownership metadata of the VMs it makes. */
export const MANAGER_ID = 'runner-autoscaler';

export interface BenchEnvironment {
  cloud: SimulatedCloud;
  client: Client;
  worker: WorkerChild;
  /** Every worker process on the task queue (`worker` is the first). */
  workers: WorkerChild[];
  /** The Temporal dev server's process id. */
  devServerPid: number;
  /** Date.now() when the worker processes were forked. */
  workerStartedAt: number;
  close(): Promise<void>;
}

/**
 * One benchmark case: a fresh Temporal dev server, the simulated cloud in this process, and the real
 * worker in a child process pointed at both. This process drives the planner and reads the simulators'
 * clocks and counters; the worker's resources are measured apart from them.
 */
export async function startEnvironment(
  options: {
    planner?: PlannerSimulatorOptions;
    openstack?: OpenStackSimulatorOptions;
    /**
     * GitHub's per-endpoint points a minute, in the simulator and the worker alike (as on a GitHub
     * Enterprise Server whose admin set that limit); GitHub.com's 900 when absent.
     */
    githubPointsPerMinute?: number;
    /**
     * GitHub credentials of the worker (default 1): more are PATs of other accounts the simulator knows,
     * each with budgets of its own, and the worker pools them (github.credentials).
     */
    githubCredentials?: number;
    /** The dev server's database in memory instead of a SQLite file (dev-server.ts). */
    inMemoryTemporal?: boolean;
    workers?: number;
  } = {},
): Promise<BenchEnvironment> {
  const points = options.githubPointsPerMinute;
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => console.error('teardown:', err));
  };
  try {
    const server = await startBenchDevServer({ inMemory: options.inMemoryTemporal });
    stops.push(() => server.stop());
    const extraTokens = Array.from({ length: (options.githubCredentials ?? 1) - 1 }, (_, index) => ({
      kind: 'token' as const,
      token: `ghp_benchPooledCredential${index + 2}`.padEnd(40, '0'),
    }));
    const github = { ...githubLimits(points), tokens: extraTokens.map(({ token }) => ({ token })) };
    const cloud = await startSimulatedCloud({ ...options, github });
    stops.push(() => cloud.close());
    const connection = await Connection.connect({ address: server.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });
    const workerStartedAt = Date.now();
    const config = cloud.workerConfig(
      { address: server.address, namespace: 'default', taskQueue: TASK_QUEUE },
      MANAGER_ID,
    );
    const auth = extraTokens.length > 0 ? [config.github.auth, ...extraTokens] : config.github.auth;
    const workerConfig = { ...config, github: { ...config.github, auth, endpointPointsPerMinute: points } };
    // All started before any flavor is, so that no worker takes every flavor before the others poll.
    const started = await Promise.allSettled(
      Array.from({ length: options.workers ?? 1 }, () => startWorkerChild(workerConfig)),
    );
    const workers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    for (const worker of workers) stops.push(() => worker.stop());
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return { cloud, client, worker: workers[0], workers, devServerPid: server.pid, workerStartedAt, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The GitHub simulator's options for a per-endpoint budget of `points` a minute; its default (GitHub.com's) when absent. */
export function githubLimits(points: number | undefined): GitHubSimulatorOptions {
  return points === undefined ? {} : { secondaryLimits: { endpointPoints: perMinuteBudget(points) } };
}
