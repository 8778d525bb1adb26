import { setTimeout as sleep } from 'node:timers/promises';
import { mapConcurrent } from '../../activities/fleet/concurrency';
import { ownershipMetadata } from '../../activities/fleet/create';
import { createOpenStackClient } from '../../activities/openstack';
import { timeCalls, type TimedCall } from '../call-log';
import { countByKey, within } from '../economy-analysis';
import { MANAGER_ID, startEnvironment, TASK_QUEUE, type BenchEnvironment } from '../environment';
import { benchSpec, flavorNames, startFlavors, waitUntilSettled } from '../flavors';
import { log } from '../format';
import { parameters } from '../parameters';
import { loadAverage, type BenchOutcome } from '../results';
import { round } from '../stats';

/** Runners of each flavor, all idle: the steady state of a busy organisation. */
const RUNNERS_PER_FLAVOR = 20;
/** GitHub's largest page of runners. */
const GITHUB_PAGE = 100;
const NOVA_LIST = 'compute GET /servers/detail';
const GITHUB_LIST = 'github GET /orgs/{org}/actions/runners';
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c'];

interface ScaleCase {
  flavors: number;
  runners: number;
  intervals: number;
  loadAverage: { start: number; end: number };
  /** Calls per cleanup interval, by `<api> <METHOD> <route>`. */
  perInterval: Record<string, number>;
  novaListsPerInterval: number;
  /** Servers in Nova's list answers, per list call: each flavor has RUNNERS_PER_FLAVOR. */
  serversPerNovaList: number;
  githubListsPerInterval: number;
  /** ⌈R/100⌉ × workers: the target, and what one read of the whole scope costs. */
  githubPagesPerList: number;
  /** What each flavor listing the scope on its own would cost: F × ⌈R/100⌉. */
  unsharedGithubListsPerInterval: number;
  /** Cumulative GitHub list calls over the window, seconds from its start. */
  githubListTimes: number[];
}

/**
 * The cost of cleanup ticks as flavors and runners grow: F flavors with 20 idle runners each (already
 * there when the workflows start, as after a deploy), pressure steady at 20, a tick every interval.
 * Every call the simulators see in a window of whole intervals is counted by API and route.
 */
export async function economyScaleBenchmark(): Promise<BenchOutcome> {
  const intervalSeconds = parameters.economyScaleIntervalSeconds();
  const intervals = parameters.economyScaleIntervals();
  const cases: ScaleCase[] = [];
  for (const flavors of parameters.economyScale()) {
    log(
      'economy-scale',
      `${flavors} flavors × ${RUNNERS_PER_FLAVOR} runners, ${intervals} intervals of ${intervalSeconds} s…`,
    );
    const c = await runCase(flavors, intervalSeconds, intervals);
    log(
      'economy-scale',
      `${flavors} flavors: per interval ${c.githubListsPerInterval} GitHub list calls (a read is ${c.githubPagesPerList} pages; ` +
        `unshared ${c.unsharedGithubListsPerInterval}), ${c.novaListsPerInterval} Nova lists of ${c.serversPerNovaList} servers; ` +
        `load ${c.loadAverage.start} → ${c.loadAverage.end}`,
    );
    cases.push(c);
  }
  const routes = (c: ScaleCase, prefix: string) =>
    Object.entries(c.perInterval)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, count]) => `${key.slice(prefix.length)} ${count}`)
      .join(', ') || 'none';
  return {
    title: 'Economy at scale: API calls per cleanup interval',
    parameters: {
      flavors: cases.map((c) => c.flavors),
      runnersPerFlavor: RUNNERS_PER_FLAVOR,
      intervalSeconds,
      intervals,
      workers: 1,
    },
    figures: { cases },
    rows: cases.flatMap((c) => [
      {
        figure: `${c.flavors} flavors, ${c.runners} runners: GitHub list calls per interval (each flavor alone: ${c.unsharedGithubListsPerInterval})`,
        value: String(c.githubListsPerInterval),
        target: `≤ ⌈R/100⌉ × workers = ${c.githubPagesPerList}`,
        met: c.githubListsPerInterval <= c.githubPagesPerList,
      },
      {
        figure: `${c.flavors} flavors: Nova list calls per interval / servers per list call`,
        value: `${c.novaListsPerInterval} / ${c.serversPerNovaList}`,
        target: `≤ ${c.flavors} / ${RUNNERS_PER_FLAVOR} (the flavor's own)`,
        met: c.novaListsPerInterval <= c.flavors && c.serversPerNovaList === RUNNERS_PER_FLAVOR,
      },
      { figure: `${c.flavors} flavors: Nova calls per interval by route`, value: routes(c, 'compute ') },
      { figure: `${c.flavors} flavors: GitHub calls per interval by route`, value: routes(c, 'github ') },
      {
        figure: `${c.flavors} flavors: Keystone, Glance, Neutron calls per interval; load average start → end`,
        value: `${[routes(c, 'identity '), routes(c, 'image '), routes(c, 'network ')].filter((r) => r !== 'none').join(', ') || 'none'}; ${c.loadAverage.start} → ${c.loadAverage.end}`,
      },
    ]),
    notes: [
      `Each flavor starts with ${RUNNERS_PER_FLAVOR} runners already there (a VM with its ownership metadata and an online registration each) and pressure ${RUNNERS_PER_FLAVOR}: ticks list and find nothing to do. Counted over ${intervals} whole intervals after every flavor's first tick, divided by ${intervals}.`,
      'One worker process: the flavors share its GitHub runner list, read once an interval; "each flavor alone" is what a list per flavor per tick would cost (F × ⌈R/100⌉), computed.',
      "Nova lists are each flavor's own, filtered by Nova on the runner names; servers per list call is counted in the simulator's answers.",
    ],
    chart: {
      title: 'GitHub runner list calls over the measured window, cumulative',
      xLabel: 'seconds since the window began',
      yLabel: 'calls',
      series: cases.map((c, i) => ({
        label: `${c.flavors} flavors`,
        color: COLORS[i % COLORS.length],
        points: [{ x: 0, y: 0 }, ...c.githubListTimes.map((x, k) => ({ x, y: k + 1 }))],
      })),
    },
  };
}

async function runCase(flavors: number, intervalSeconds: number, intervals: number): Promise<ScaleCase> {
  const load = loadAverage();
  const env = await startEnvironment();
  try {
    const names = flavorNames(flavors);
    await seedRunners(env, names);
    for (const flavor of names) env.cloud.planner.setPressure(flavor, RUNNERS_PER_FLAVOR);
    const calls: TimedCall[][] = [timeCalls(env.cloud.openstack.stats), timeCalls(env.cloud.github.stats, 'github ')];
    await startFlavors(env.client, TASK_QUEUE, names, { cleanupIntervalSeconds: intervalSeconds });
    await waitUntilSettled(env.client, names, 120_000 + flavors * 300, RUNNERS_PER_FLAVOR);
    const listedBefore = env.cloud.openstack.stats.serversListed;
    const from = Date.now();
    await sleep(intervals * intervalSeconds * 1000);
    const to = Date.now();
    const inWindow = within(calls.flat(), from, to);
    const byKey = countByKey(inWindow);
    const novaLists = byKey[NOVA_LIST] ?? 0;
    const runners = flavors * RUNNERS_PER_FLAVOR;
    const pages = Math.ceil(runners / GITHUB_PAGE);
    return {
      flavors,
      runners,
      intervals,
      loadAverage: { start: load, end: loadAverage() },
      perInterval: Object.fromEntries(Object.entries(byKey).map(([key, count]) => [key, round(count / intervals, 2)])),
      novaListsPerInterval: round(novaLists / intervals, 2),
      // Read after the window: the lists counted are those of its ticks, their servers counted with them.
      serversPerNovaList: round((env.cloud.openstack.stats.serversListed - listedBefore) / Math.max(novaLists, 1), 2),
      githubListsPerInterval: round((byKey[GITHUB_LIST] ?? 0) / intervals, 2),
      githubPagesPerList: pages,
      unsharedGithubListsPerInterval: flavors * pages,
      githubListTimes: inWindow
        .filter((call) => call.key === GITHUB_LIST)
        .map((call) => round((call.at - from) / 1000)),
    };
  } finally {
    await env.close();
  }
}

/**
 * Every flavor's runners, as the worker would have left them: a VM carrying the flavor's ownership
 * metadata, named `<flavor>-<n>`, and an online registration of the same name. Made through Nova's API
 * and the GitHub simulator's handle before the workflows start.
 */
async function seedRunners({ cloud }: BenchEnvironment, flavors: string[]): Promise<void> {
  const nova = createOpenStackClient(cloud.openstack.credentials);
  const runners = flavors.flatMap((flavor) =>
    Array.from({ length: RUNNERS_PER_FLAVOR }, (_, i) => ({ flavor, name: `${flavor}-${i}` })),
  );
  await mapConcurrent(runners, 50, async ({ flavor, name }) => {
    const spec = benchSpec(flavor);
    await nova.createServer({
      name,
      image: spec.image,
      flavor: spec.openstackFlavor,
      network: spec.network,
      metadata: ownershipMetadata(MANAGER_ID, flavor),
    });
    cloud.github.addRunner({ name, labels: spec.labels, status: 'online' });
  });
  cloud.openstack.resetStats();
}
