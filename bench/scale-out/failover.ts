import type { Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimulatedCloud } from '../../simulators/cloud';
import type { LatencyProbe } from '../latency-probe';
import { distribution, type Distribution } from '../stats';
import type { WorkerChild } from '../worker-child';
import { spread, streamOwners } from './stream-owners';

export interface FailoverPlan {
  cloud: SimulatedCloud;
  client: Client;
  probe: LatencyProbe;
  workers: WorkerChild[];
  /** Flavor → pid of the worker holding its stream, just before the kill. */
  owners: Map<string, number | undefined>;
  /** Pressure rises made during the failover, each on another flavor the killed worker streamed. */
  changes: number;
}

/** One pressure rise made during the failover; times in ms after the kill. */
export interface FailoverChange {
  flavor: string;
  madeMs: number;
  /** When the flavor's stream was open again (the planner wrote its head line on a new connection). */
  streamBackMs?: number;
  /** When Nova received the create it asked for: the change acted on. */
  actedOnMs?: number;
}

export interface FailoverResult {
  /** Index (from 0) of the killed worker, and how many streams it held. */
  victim: number;
  held: number;
  /** Per held stream, ms from the kill until the planner saw it connected again. */
  reconnectMs: Distribution;
  /** ms from the kill until every held stream was connected again; undefined if some never were. */
  allBackMs?: number;
  notBack: number;
  changes: FailoverChange[];
  /** Streams per surviving worker once all were back (the killed one's slot holds 0). */
  spreadAfter: { perWorker: number[]; none: number };
  /** The cumulative reconnect curve: [ms after the kill, streams back]. */
  reconnects: number[];
}

const RECONNECT_WAIT_MS = 120_000;
/** Changes begin a second after the kill and are spread over 20 s: inside the 30 s heartbeat timeout. */
const CHANGES_FROM_MS = 1000;
const CHANGES_OVER_MS = 20_000;
const POLL_MS = 100;
const CREATE_WAIT_MS = 60_000;

/**
 * SIGKILLs the worker holding the most streams, as a crash would: no shutdown, so its activities are
 * rescheduled only when their heartbeat times out (30 s) and its cached workflows only when their sticky
 * queue's schedule-to-start timeout passes. Meanwhile pressure rises on some of its flavors; each is
 * timed from the rise to Nova's create, and each stream from the kill to the planner's next connection.
 */
export async function runFailover(plan: FailoverPlan): Promise<FailoverResult> {
  const { cloud, client, probe, workers, owners } = plan;
  const pids = workers.map((worker) => worker.pid);
  const counts = spread(owners, pids).perWorker;
  const victim = counts.indexOf(Math.max(...counts));
  const held = [...owners].flatMap(([flavor, pid]) => (pid === pids[victim] ? [flavor] : []));
  const changed = held.filter((_, i) => i % Math.max(1, Math.floor(held.length / plan.changes)) === 0);
  const chosen = changed.slice(0, plan.changes);

  const killedAt = Date.now();
  await workers[victim].kill();
  const made = new Map<string, number>();
  const changing = (async () => {
    for (const [i, flavor] of chosen.entries()) {
      const due = killedAt + CHANGES_FROM_MS + (i * CHANGES_OVER_MS) / chosen.length;
      if (due > Date.now()) await sleep(due - Date.now());
      cloud.planner.setPressure(flavor, (cloud.planner.pressure(flavor) ?? 0) + 1);
      const at = Date.now();
      probe.recordChange(flavor, at);
      made.set(flavor, at);
    }
  })();
  const back = await waitForReconnects(cloud, held, killedAt);
  await changing;
  await probe.waitForCreates(() => cloud.openstack.stats, CREATE_WAIT_MS);

  const creates = new Map(
    probe
      .match(cloud.openstack.stats)
      .flatMap((c) => (made.get(c.flavor) === c.changedAt ? [[c.flavor, c.createdAt]] : [])),
  );
  const since = (at: number | undefined) => (at === undefined ? undefined : at - killedAt);
  const reconnects = [...back.values()].map((at) => at - killedAt).sort((a, b) => a - b);
  const survivors = pids.filter((_, i) => i !== victim);
  const after = spread(await streamOwners(client, [...owners.keys()]), survivors);
  return {
    victim,
    held: held.length,
    reconnectMs: distribution(reconnects),
    allBackMs: back.size === held.length ? (reconnects[reconnects.length - 1] ?? 0) : undefined,
    notBack: held.length - back.size,
    changes: chosen.map((flavor) => ({
      flavor,
      madeMs: made.get(flavor)! - killedAt,
      streamBackMs: since(back.get(flavor)),
      actedOnMs: since(creates.get(flavor)),
    })),
    spreadAfter: {
      perWorker: pids.map((pid) => (survivors.includes(pid) ? after.perWorker[survivors.indexOf(pid)] : 0)),
      none: after.none,
    },
    reconnects,
  };
}

/** Per flavor, when the planner opened its first stream after `since`, waiting until all are back or the wait ends. */
async function waitForReconnects(
  cloud: SimulatedCloud,
  flavors: string[],
  since: number,
): Promise<Map<string, number>> {
  const wanted = new Set(flavors);
  const back = new Map<string, number>();
  const deadline = since + RECONNECT_WAIT_MS;
  while (back.size < wanted.size && Date.now() < deadline) {
    for (const stream of cloud.planner.stats.streams) {
      if (stream.openedAt >= since && wanted.has(stream.flavor) && !back.has(stream.flavor)) {
        back.set(stream.flavor, stream.openedAt);
      }
    }
    await sleep(POLL_MS);
  }
  return back;
}
