import { setTimeout as sleep } from 'node:timers/promises';
import { githubEndpointBudget } from '../../activities/github/endpoint-budget';
import { startEnvironment, TASK_QUEUE } from '../environment';
import { flavorNames, flavorOfRunner, startFlavors, waitUntilSettled } from '../flavors';
import { log, seconds } from '../format';
import { parameters } from '../parameters';
import type { BenchOutcome } from '../results';
import { round } from '../stats';

const LATENCY_MS = 50;
const BOOT_DELAY_MS = 200;
const WAIT_MS = 240_000;
/**
 * GitHub's secondary limit lets one credential register 900 / 5 = 180 JIT runners a minute (a POST costs
 * 5 points): the first 180 may go at once, and each one more waits for an earlier one to leave the minute.
 */
const PER_WINDOW = githubEndpointBudget.points / 5;
const WINDOW_MS = githubEndpointBudget.windowSeconds * 1000;
const TARGET_WINDOW_MS = 3000;
/** The window, the client's second of margin (endpoint-budget.ts), and the creates after it. */
const TARGET_NEXT_WINDOW_MS = WINDOW_MS + 5000;

/**
 * Pressure 0 → 200 on one flavor, with 50 ms added to every OpenStack and GitHub answer, under GitHub's
 * secondary rate limits as the GitHub simulator models them (its default): how the fleet ramps. When
 * Nova has received the 180th and the 200th create request (the 180 one minute's budget allows, and the
 * rest in the next minute), the requests per second, and when the runners are online at GitHub (a VM
 * turns ACTIVE 200 ms after its create and its runner comes online at once, see simulators/cloud.ts).
 * The client spreads the creates within the limits: GitHub should refuse none.
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
    const nth = (times: number[], n: number) => (times.length >= n ? times[n - 1] - start : NaN);
    const windowCount = Math.min(burst, PER_WINDOW);
    const windowRequestsMs = nth(requests, windowCount);
    const allRequestsMs = nth(requests, burst);
    const allOnlineMs = nth(online, burst);
    const perSecond = requestsPerSecond(requests, start);
    const peakPerSecond = Math.max(0, ...perSecond);
    const refused = cloud.github.stats.secondaryLimited;
    const refusals = refused.concurrency + refused.points + refused.contentCreation;
    log(
      'burst',
      `first create request after ${seconds(requests[0] - start)}, ${windowCount} after ${seconds(windowRequestsMs)}, all ${burst} after ${seconds(allRequestsMs)}`,
    );
    log(
      'burst',
      `at most ${peakPerSecond} requests a second; ${windowCount} runners online after ${seconds(nth(online, windowCount))}, all ${burst} after ${seconds(allOnlineMs)} (${runnersOnline.length} online at GitHub); ${refusals} refused by a secondary limit`,
    );

    const steps = (times: number[]) => [
      { x: 0, y: 0 },
      ...times.map((at, i) => ({ x: round((at - start) / 1000, 3), y: i + 1 })),
    ];
    const end = Math.max(requests.at(-1) ?? start, online.at(-1) ?? start);
    return {
      title: `Burst: pressure 0 → ${burst} on one flavor`,
      parameters: {
        burst,
        latencyMs: LATENCY_MS,
        bootDelayMs: BOOT_DELAY_MS,
        secondaryLimits: 'GitHub’s (simulator default)',
      },
      figures: {
        firstRequestMs: requests[0] - start,
        windowRequestsMs,
        allRequestsMs,
        windowOnlineMs: nth(online, windowCount),
        allOnlineMs,
        requestsPerSecond: perSecond,
        peakRequestsPerSecond: peakPerSecond,
        requestsReceived: requests.length,
        runnersOnlineAtGitHub: runnersOnline.length,
        secondaryLimitRefusals: refused,
      },
      rows: [
        {
          figure: `${windowCount} create requests received by Nova (one minute’s JIT budget)`,
          value: seconds(windowRequestsMs),
          target: `≤ ${TARGET_WINDOW_MS / 1000} s`,
          met: windowRequestsMs <= TARGET_WINDOW_MS,
        },
        ...(burst > PER_WINDOW
          ? [
              {
                figure: `all ${burst} create requests received by Nova`,
                value: seconds(allRequestsMs),
                target: `≤ ${TARGET_NEXT_WINDOW_MS / 1000} s`,
                met: allRequestsMs <= TARGET_NEXT_WINDOW_MS,
              },
            ]
          : []),
        { figure: 'first create request received', value: seconds(requests[0] - start) },
        { figure: 'create requests per second, at most', value: String(peakPerSecond) },
        {
          figure: 'create requests per second, each second with any',
          value: perSecond
            .map((count, second) => (count > 0 ? `${second} s: ${count}` : ''))
            .filter(Boolean)
            .join(', '),
        },
        { figure: `${windowCount} runners online at GitHub`, value: seconds(nth(online, windowCount)) },
        { figure: `all ${burst} runners online at GitHub`, value: seconds(allOnlineMs) },
        {
          figure: 'requests refused by a secondary rate limit',
          value: String(refusals),
          target: '0',
          met: refusals === 0,
        },
      ],
      notes: [
        `Timed from the planner writing the line with ${burst}. Every OpenStack (Keystone included) and GitHub answer takes ${LATENCY_MS} ms more; VMs boot ${BOOT_DELAY_MS} ms after their create.`,
        `The GitHub simulator models GitHub's secondary rate limits: 100 concurrent requests, 900 points a minute per endpoint (a JIT registration costs 5, so ${PER_WINDOW} a minute). The client spreads the creates within them; the requests past the first ${PER_WINDOW} wait for the first ones to leave the minute.`,
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

/** Create requests received in each second since `start` (index 0 is the first second). */
function requestsPerSecond(times: number[], start: number): number[] {
  const counts: number[] = [];
  for (const at of times) {
    const second = Math.max(Math.floor((at - start) / 1000), 0);
    while (counts.length <= second) counts.push(0);
    counts[second] += 1;
  }
  return counts;
}
