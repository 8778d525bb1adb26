import { setTimeout as sleep } from 'node:timers/promises';
import type { GitHubSimulatorStats } from '../../simulators/github';
import { startEnvironment, TASK_QUEUE } from '../environment';
import { flavorNames, flavorOfRunner, startFlavors, waitUntilSettled } from '../flavors';
import { log } from '../format';

export const LATENCY_MS = 50;
export const BOOT_DELAY_MS = 200;
const WAIT_MS = 240_000;

/** One burst, its times in ms since the planner wrote the new pressure. */
export interface BurstRun {
  /** Arrival of each runner's first create request at Nova (a retry of a name is not another VM), in order. */
  requests: number[];
  /** Each runner online at GitHub, in order. */
  online: number[];
  runnersOnlineAtGitHub: number;
  secondaryLimited: GitHubSimulatorStats['secondaryLimited'];
  /** The worker's GitHub calls by the simulator's name of the credential ("pat", "pat 2", …). */
  callsByCredential: Record<string, number>;
}

/**
 * Pressure 0 → `burst` on one flavor, with 50 ms added to every OpenStack and GitHub answer, under
 * GitHub's secondary rate limits as the GitHub simulator models them (its default, per credential), the
 * worker holding `credentials` GitHub credentials (a pool when more than one). A VM turns ACTIVE 200 ms
 * after its create and its runner comes online at once (simulators/cloud.ts).
 */
export async function runBurst(burst: number, credentials: number): Promise<BurstRun> {
  const [flavor] = flavorNames(1);
  let changedAt: number | undefined;
  const onLineWritten = (_flavor: string, pressure: number, at: number) => {
    if (pressure === burst) changedAt ??= at;
  };
  const env = await startEnvironment({
    planner: { onLineWritten },
    openstack: { bootDelayMs: BOOT_DELAY_MS },
    githubCredentials: credentials,
  });
  try {
    const { cloud, client } = env;
    cloud.openstack.setFaults({ latencyMs: LATENCY_MS });
    cloud.github.faults.latencyMs = LATENCY_MS;
    // Registered after the cloud's own listener, which boots the runner: it is online when this runs.
    const online: number[] = [];
    cloud.openstack.onServerActive((server) => {
      if (flavorOfRunner(server.name) === flavor) online.push(Date.now());
    });
    const requested = () => {
      const first = new Map<string, number>();
      for (const { name, at } of cloud.openstack.stats.createRequests) {
        if (flavorOfRunner(name) === flavor && !first.has(name)) first.set(name, at);
      }
      return [...first.values()].sort((a, b) => a - b);
    };

    cloud.planner.setPressure(flavor, 0);
    await startFlavors(client, TASK_QUEUE, [flavor]);
    await waitUntilSettled(client, [flavor], 60_000);
    const pool = credentials > 1 ? `, ${credentials} GitHub credentials` : '';
    log('burst', `pressure 0 → ${burst}, ${LATENCY_MS} ms latency on OpenStack and GitHub${pool}…`);
    const calledBefore = { ...cloud.github.stats.callsByCredential };
    cloud.planner.setPressure(flavor, burst);
    const deadline = Date.now() + WAIT_MS;
    while ((requested().length < burst || online.length < burst) && Date.now() < deadline) await sleep(50);

    const start = changedAt ?? NaN;
    const since = (times: number[]) => times.map((at) => at - start);
    const calls = cloud.github.stats.callsByCredential;
    return {
      requests: since(requested()),
      online: since(online),
      runnersOnlineAtGitHub: cloud.github
        .runners()
        .filter((r) => r.status === 'online' && flavorOfRunner(r.name) === flavor).length,
      secondaryLimited: { ...cloud.github.stats.secondaryLimited },
      callsByCredential: Object.fromEntries(
        Object.entries(calls).map(([credential, count]) => [credential, count - (calledBefore[credential] ?? 0)]),
      ),
    };
  } finally {
    await env.close();
  }
}

/** Create requests received in each second of a run (index 0 is the first second). */
export function requestsPerSecond(times: number[]): number[] {
  const counts: number[] = [];
  for (const at of times) {
    const second = Math.max(Math.floor(at / 1000), 0);
    while (counts.length <= second) counts.push(0);
    counts[second] += 1;
  }
  return counts;
}
