import { setTimeout as sleep } from 'node:timers/promises';
import type { OpenStackSimulatorStats } from '../simulators/openstack';
import { flavorOfRunner } from './flavors';

/**
 * One measured change: the flavor's pressure rose to `value` at `changedAt`; the create of runner
 * `runner` arrived at `createdAt`.
 */
export interface MatchedChange {
  flavor: string;
  value: number;
  changedAt: number;
  createdAt?: number;
  runner?: string;
}

/**
 * Change-to-create latency. Pressure only ever rises by one here, from 0, so the k-th change of a flavor
 * takes it to k and is answered by the k-th create request (POST /servers) for that flavor: changes and
 * creates are matched by flavor and order.
 */
export class LatencyProbe {
  /** Per flavor, when each change happened, in order. */
  readonly #changes = new Map<string, number[]>();
  /** Per flavor, the highest value a stream line has carried so far. */
  readonly #highest = new Map<string, number>();

  /** A change, timed by whoever makes it (the baseline has no stream line to time). */
  recordChange = (flavor: string, at: number): void => {
    const times = this.#changes.get(flavor) ?? [];
    this.#changes.set(flavor, times);
    times.push(at);
  };

  /**
   * The planner simulator's onLineWritten hook: the first line carrying a new, higher value is the
   * change; the head line on connect, re-sends and the same line on a second stream are not.
   */
  onLineWritten = (flavor: string, pressure: number, at: number): void => {
    if (pressure <= (this.#highest.get(flavor) ?? 0)) return;
    this.#highest.set(flavor, pressure);
    this.recordChange(flavor, at);
  };

  get changeCount(): number {
    return [...this.#changes.values()].reduce((sum, times) => sum + times.length, 0);
  }

  /** Waits until every recorded change has its create request (or the timeout passes). */
  async waitForCreates(stats: () => OpenStackSimulatorStats, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const missing = () => this.match(stats()).some((change) => change.createdAt === undefined);
    while (missing() && Date.now() < deadline) await sleep(100);
  }

  match(stats: OpenStackSimulatorStats): MatchedChange[] {
    const creates = firstCreatesByFlavor(stats.createRequests);
    return [...this.#changes].flatMap(([flavor, times]) =>
      times.map((changedAt, k) => {
        const create = creates.get(flavor)?.[k];
        return { flavor, value: k + 1, changedAt, createdAt: create?.at, runner: create?.name };
      }),
    );
  }
}

/** Latencies (ms) of the changes whose create arrived. */
export function latencies(changes: MatchedChange[]): number[] {
  return changes.flatMap(({ changedAt, createdAt }) => (createdAt === undefined ? [] : [createdAt - changedAt]));
}

/** Each runner's first POST /servers (a retry of the same name is not a new create), by flavor, in order. */
function firstCreatesByFlavor(
  requests: OpenStackSimulatorStats['createRequests'],
): Map<string, { name: string; at: number }[]> {
  const seen = new Set<string>();
  const byFlavor = new Map<string, { name: string; at: number }[]>();
  for (const { name, at } of [...requests].sort((a, b) => a.at - b.at)) {
    if (seen.has(name)) continue;
    seen.add(name);
    const flavor = flavorOfRunner(name);
    const creates = byFlavor.get(flavor) ?? [];
    byFlavor.set(flavor, creates);
    creates.push({ name, at });
  }
  return byFlavor;
}
