import { setTimeout as sleep } from 'node:timers/promises';
import { startEnvironment, TASK_QUEUE } from '../environment';
import { flavorNames, flavorOfRunner, startFlavors, waitUntilSettled } from '../flavors';
import { log, seconds } from '../format';
import { parameters } from '../parameters';
import type { BenchOutcome } from '../results';
import { round } from '../stats';

const LATENCY_MS = 50;
const BOOT_DELAY_MS = 200;
const TARGET_ALL_REQUESTS_MS = 3000;
const WAIT_MS = 120_000;

/**
 * Pressure 0 → 200 on one flavor, with 50 ms added to every OpenStack and GitHub answer: when Nova has
 * received all 200 create requests, and when all 200 runners are online at GitHub (a VM turns ACTIVE
 * 200 ms after its create and its runner comes online at once, see simulators/cloud.ts).
 */
export async function burstBenchmark(): Promise<BenchOutcome> {
  const burst = parameters.burst();
  const [flavor] = flavorNames(1);
  let changedAt: number | undefined;
  const onLineWritten = (_flavor: string, pressure: number, at: number) => {
    if (pressure === burst) changedAt ??= at;
  };
  const env = await startEnvironment({ planner: { onLineWritten }, openstack: { bootDelayMs: BOOT_DELAY_MS } });
  try {
    const { cloud, client } = env;
    cloud.openstack.setFaults({ latencyMs: LATENCY_MS });
    cloud.github.faults.latencyMs = LATENCY_MS;
    // Registered after the cloud's own listener, which boots the runner: it is online when this runs.
    const online: number[] = [];
    cloud.openstack.onServerActive((server) => {
      if (flavorOfRunner(server.name) === flavor) online.push(Date.now());
    });
    /** Arrival of each runner's first create request (a retry of a name is not another VM), in order. */
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
    log('burst', `pressure 0 → ${burst}, ${LATENCY_MS} ms latency on OpenStack and GitHub…`);
    cloud.planner.setPressure(flavor, burst);
    const deadline = Date.now() + WAIT_MS;
    while ((requested().length < burst || online.length < burst) && Date.now() < deadline) await sleep(50);

    const start = changedAt ?? NaN;
    const requests = requested();
    const runnersOnline = cloud.github
      .runners()
      .filter((r) => r.status === 'online' && flavorOfRunner(r.name) === flavor);
    const allRequestsMs = requests.length >= burst ? requests[burst - 1] - start : NaN;
    const allOnlineMs = online.length >= burst ? online[burst - 1] - start : NaN;
    log(
      'burst',
      `first create request after ${seconds(requests[0] - start)}, all ${burst} after ${seconds(allRequestsMs)}`,
    );
    log(
      'burst',
      `all ${burst} runners online after ${seconds(allOnlineMs)} (${runnersOnline.length} online at GitHub)`,
    );

    const steps = (times: number[]) => [
      { x: 0, y: 0 },
      ...times.map((at, i) => ({ x: round((at - start) / 1000, 3), y: i + 1 })),
    ];
    const end = Math.max(requests.at(-1) ?? start, online.at(-1) ?? start);
    return {
      title: `Burst: pressure 0 → ${burst} on one flavor`,
      parameters: { burst, latencyMs: LATENCY_MS, bootDelayMs: BOOT_DELAY_MS },
      figures: {
        firstRequestMs: requests[0] - start,
        allRequestsMs,
        allOnlineMs,
        requestsReceived: requests.length,
        runnersOnlineAtGitHub: runnersOnline.length,
      },
      rows: [
        {
          figure: `all ${burst} create requests received by Nova`,
          value: seconds(allRequestsMs),
          target: `≤ ${TARGET_ALL_REQUESTS_MS / 1000} s`,
          met: allRequestsMs <= TARGET_ALL_REQUESTS_MS,
        },
        { figure: 'first create request received', value: seconds(requests[0] - start) },
        { figure: `all ${burst} runners online at GitHub`, value: seconds(allOnlineMs) },
      ],
      notes: [
        `Timed from the planner writing the line with ${burst}. Every OpenStack (Keystone included) and GitHub answer takes ${LATENCY_MS} ms more; VMs boot ${BOOT_DELAY_MS} ms after their create.`,
      ],
      chart: {
        title: `Burst 0 → ${burst}: pressure, VMs requested, runners online`,
        xLabel: 'seconds since the planner wrote the new pressure',
        yLabel: 'count',
        series: [
          {
            label: 'pressure',
            color: '#7f7f7f',
            dashed: true,
            points: [
              { x: 0, y: 0 },
              { x: 0, y: burst },
              { x: round((end - start) / 1000, 3), y: burst },
            ],
          },
          { label: 'VMs requested', color: '#1f77b4', points: steps(requests) },
          { label: 'runners online', color: '#2ca02c', points: steps(online) },
        ],
      },
    };
  } finally {
    await env.close();
  }
}
