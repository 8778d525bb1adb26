import { githubEndpointBudget } from '../../activities/github/endpoint-budget';
import { BOOT_DELAY_MS, LATENCY_MS, requestsPerSecond, runBurst, type BurstRun } from '../burst/run';
import { log, seconds } from '../format';
import { parameters } from '../parameters';
import type { BenchOutcome, ResultRow } from '../results';
import { distribution, round } from '../stats';

/**
 * GitHub's secondary limit lets one credential register 900 / 5 = 180 JIT runners a minute (a POST costs
 * 5 points): the first 180 may go at once, and each one more waits for an earlier one to leave the minute.
 * Each credential of a pool has a minute's budget of its own.
 */
const PER_WINDOW = githubEndpointBudget.points / 5;
const WINDOW_MS = githubEndpointBudget.windowSeconds * 1000;
const TARGET_WINDOW_MS = 3000;
/** The window, the client's second of margin (endpoint-budget.ts), and the creates after it. */
const TARGET_NEXT_WINDOW_MS = WINDOW_MS + 5000;

/** The burst with the worker's one GitHub credential: the creates past one minute's budget wait for the next. */
export const burstBenchmark = () => burstWith(1);
/** The same burst with a pool of two credentials, each with a minute's budget of its own. */
export const burstPoolBenchmark = () => burstWith(2);

/**
 * Pressure 0 → 200 on one flavor (bench/burst/run.ts), BENCH_BURST_RUNS times, each in a fresh
 * environment: when Nova has received the creates one minute's budget allows and all of them, the
 * requests per second, when the runners are online at GitHub, and how many requests GitHub refused; each
 * figure as the median and the range over the runs. The client spreads the creates within the limits.
 */
async function burstWith(credentials: number): Promise<BenchOutcome> {
  const burst = parameters.burst();
  const runs: BurstRun[] = [];
  for (let run = 1; run <= parameters.burstRuns(); run++) {
    const measured = await runBurst(burst, credentials);
    runs.push(measured);
    log('burst', `run ${run}: ${describe(measured, burst, credentials)}`);
  }
  const nth = (times: number[], n: number) => (times.length >= n ? times[n - 1] : NaN);
  const windowCount = Math.min(burst, PER_WINDOW * credentials);
  const windowRequests = runs.map((run) => nth(run.requests, windowCount));
  const allRequests = runs.map((run) => nth(run.requests, burst));
  const refusals = runs.map(({ secondaryLimited: s }) => s.concurrency + s.points + s.contentCreation);
  // The run of the median time to all requests: its seconds and its chart stand for the runs.
  const typical = medianRun(runs, burst);
  const pool = credentials > 1 ? `, ${credentials} GitHub credentials` : '';
  const budget = credentials > 1 ? `${credentials} credentials’ minute JIT budget` : 'one minute’s JIT budget';
  const allMet = (values: number[], target: number) => values.every((value) => value <= target);
  const onlineAt = (n: number) =>
    spread(
      runs.map((run) => nth(run.online, n)),
      seconds,
    );

  const rows: ResultRow[] = [
    {
      figure: `${windowCount} create requests received by Nova (${budget})`,
      value: spread(windowRequests, seconds),
      target: `≤ ${TARGET_WINDOW_MS / 1000} s`,
      met: allMet(windowRequests, TARGET_WINDOW_MS),
    },
    ...(burst > windowCount
      ? [
          {
            figure: `all ${burst} create requests received by Nova`,
            value: spread(allRequests, seconds),
            target: `≤ ${TARGET_NEXT_WINDOW_MS / 1000} s`,
            met: allMet(allRequests, TARGET_NEXT_WINDOW_MS),
          },
        ]
      : []),
    {
      figure: 'first create request received',
      value: spread(
        runs.map((run) => run.requests[0]),
        seconds,
      ),
    },
    {
      figure: 'create requests per second, at most',
      value: spread(
        runs.map((run) => Math.max(0, ...requestsPerSecond(run.requests))),
        String,
      ),
    },
    {
      figure: 'create requests per second, each second with any (the median run)',
      value: requestsPerSecond(typical.requests)
        .map((count, second) => (count > 0 ? `${second} s: ${count}` : ''))
        .filter(Boolean)
        .join(', '),
    },
    { figure: `${windowCount} runners online at GitHub`, value: onlineAt(windowCount) },
    ...(burst > windowCount ? [{ figure: `all ${burst} runners online at GitHub`, value: onlineAt(burst) }] : []),
    ...(credentials > 1
      ? [
          {
            figure: 'GitHub calls by credential (the median run)',
            value: Object.entries(typical.callsByCredential)
              .map(([credential, count]) => `${credential}: ${count}`)
              .join(', '),
          },
        ]
      : []),
    {
      figure: 'requests refused by a secondary rate limit, all runs',
      value: String(refusals.reduce((sum, count) => sum + count, 0)),
      target: '0',
      met: refusals.every((count) => count === 0),
    },
  ];
  const steps = (times: number[]) => [{ x: 0, y: 0 }, ...times.map((at, i) => ({ x: round(at / 1000, 3), y: i + 1 }))];
  const end = Math.max(typical.requests.at(-1) ?? 0, typical.online.at(-1) ?? 0);
  return {
    title: `Burst: pressure 0 → ${burst} on one flavor${pool}`,
    parameters: {
      burst,
      githubCredentials: credentials,
      runs: runs.length,
      latencyMs: LATENCY_MS,
      bootDelayMs: BOOT_DELAY_MS,
      secondaryLimits: 'GitHub’s (simulator default), per credential',
    },
    figures: {
      windowRequestsMs: distribution(windowRequests),
      allRequestsMs: distribution(allRequests),
      runs: runs.map((run) => ({
        firstRequestMs: run.requests[0],
        windowRequestsMs: nth(run.requests, windowCount),
        allRequestsMs: nth(run.requests, burst),
        windowOnlineMs: nth(run.online, windowCount),
        allOnlineMs: nth(run.online, burst),
        requestsPerSecond: requestsPerSecond(run.requests),
        requestsReceived: run.requests.length,
        runnersOnlineAtGitHub: run.runnersOnlineAtGitHub,
        secondaryLimitRefusals: run.secondaryLimited,
        callsByCredential: run.callsByCredential,
      })),
    },
    rows,
    notes: [
      `Each figure is the median of ${runs.length} runs, each in a fresh environment, with the lowest and highest in brackets. Timed from the planner writing the line with ${burst}. Every OpenStack (Keystone included) and GitHub answer takes ${LATENCY_MS} ms more; VMs boot ${BOOT_DELAY_MS} ms after their create.`,
      `The GitHub simulator models GitHub's secondary rate limits for each credential: 100 concurrent requests, 900 points a minute per endpoint (a JIT registration costs 5, so ${PER_WINDOW} a minute). The client spreads the creates within them; the requests past the first ${PER_WINDOW * credentials} wait for the first ones to leave the minute.`,
      ...(credentials > 1
        ? [
            `The worker pools ${credentials} PATs of different accounts (github.credentials, a token file each); the simulator names them pat, pat 2, …. Each request goes to the credential with room in the endpoint's budget and the most primary budget left.`,
          ]
        : []),
    ],
    chart: {
      title: `Burst 0 → ${burst}${pool}: pressure, VMs requested, runners online (the median run)`,
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
            { x: round(end / 1000, 3), y: burst },
          ],
        },
        { label: 'VMs requested', color: '#1f77b4', points: steps(typical.requests) },
        { label: 'runners online', color: '#2ca02c', points: steps(typical.online) },
      ],
    },
  };
}

/** The median and the range: "3.20 s (3.10 s – 3.40 s)"; one value alone when there is one run. */
function spread(values: number[], format: (value: number) => string): string {
  const { p50, min, max } = distribution(values);
  return values.length === 1 ? format(p50) : `${format(p50)} (${format(min)} – ${format(max)})`;
}

function medianRun(runs: BurstRun[], burst: number): BurstRun {
  const allBy = (run: BurstRun) => run.requests[burst - 1] ?? Number.POSITIVE_INFINITY;
  return [...runs].sort((a, b) => allBy(a) - allBy(b))[Math.floor((runs.length - 1) / 2)];
}

function describe(run: BurstRun, burst: number, credentials: number): string {
  const windowCount = Math.min(burst, PER_WINDOW * credentials);
  const at = (n: number) => seconds(run.requests[n - 1] ?? NaN);
  return `${windowCount} create requests after ${at(windowCount)}, all ${burst} after ${at(burst)}, ${run.online.length} runners online`;
}
