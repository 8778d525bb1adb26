import { setTimeout as sleep } from 'node:timers/promises';
import { timeCalls, timeCounter, type TimedCall } from '../call-log';
import {
  countByKey,
  eventsPerChange,
  isListCall,
  listCallsOutsideTicks,
  mostTokensInOneWindow,
  NAME_LOOKUP,
  TOKEN_CALL,
  within,
} from '../economy-analysis';
import { startEnvironment, TASK_QUEUE } from '../environment';
import { flavorNames, startFlavors, waitUntilSettled } from '../flavors';
import { allHistories } from '../history';
import { log } from '../format';
import { parameters } from '../parameters';
import { driveChanges } from '../pressure-driver';
import type { BenchOutcome } from '../results';
import { round } from '../stats';

const FLAVORS = 10;
/** Over all flavors: each flavor changes every FLAVORS / CHANGES_PER_SECOND seconds. */
const CHANGES_PER_SECOND = 1;
/** Each flavor's pressure walks 1, 2, … PEAK and back to 0, one step per change: rises create, falls delete at ticks. */
const PEAK = 4;
/** Short enough for several token lifetimes in the run. */
const TOKEN_TTL_MS = 150_000;
/** KeystoneSession renews a token this long before it expires (its default renewBeforeMs, at most half the TTL). */
const RENEW_MARGIN_MS = Math.min(60_000, TOKEN_TTL_MS / 2);
const TARGET = { eventsPerChange: 8 };

/**
 * A steady state: FLAVORS flavors, pressure changing at a fixed rate, cleanup ticks every fifth of the
 * run. Every API call is counted and timed in the simulators; the histories are read across
 * continue-as-new runs.
 */
export async function economyBenchmark(): Promise<BenchOutcome> {
  const durationMs = parameters.economySeconds() * 1000;
  const cleanupIntervalSeconds = Math.max(10, Math.round(durationMs / 5000));
  const env = await startEnvironment({ openstack: { tokenTtlMs: TOKEN_TTL_MS } });
  try {
    const { cloud, client } = env;
    const calls: TimedCall[][] = [timeCalls(cloud.openstack.stats), timeCalls(cloud.github.stats, 'github ')];
    const lookups = timeCounter(cloud.openstack.stats, 'serverLookups', NAME_LOOKUP);
    const flavors = flavorNames(FLAVORS);
    for (const flavor of flavors) cloud.planner.setPressure(flavor, 0);
    const runIds = await startFlavors(client, TASK_QUEUE, flavors, { cleanupIntervalSeconds });
    await waitUntilSettled(client, flavors, 60_000);

    const changes = Math.round((durationMs / 1000) * CHANGES_PER_SECOND);
    log(
      'economy',
      `${durationMs / 1000} s steady state: ${FLAVORS} flavors, ${changes} changes, a tick every ${cleanupIntervalSeconds} s…`,
    );
    const from = Date.now();
    const triangle = (j: number) => PEAK - Math.abs(((j + 1) % (2 * PEAK)) - PEAK);
    await driveChanges(
      (flavor, value) => cloud.planner.setPressure(flavor, value),
      {
        flavors,
        changes,
        perSecond: CHANGES_PER_SECOND,
      },
      triangle,
    );
    // The last change's create, if any, lands within a second or so.
    await sleep(2000);
    const to = Date.now();

    const all = calls.flat().sort((a, b) => a.at - b.at);
    const inWindow = within(all, from, to);
    const histories = await allHistories(client, runIds);
    const lookupsInWindow = within(lookups, from, to);
    const outside = listCallsOutsideTicks(inWindow, lookupsInWindow, histories);
    const ticks = histories.flatMap((h) => h.cleanupWindows).filter(([start]) => start >= from && start <= to).length;
    const events = eventsPerChange(histories, from, to, changes);
    const tokenTimes = all.filter((call) => call.key === TOKEN_CALL).map((call) => call.at);
    const renewalWindowMs = TOKEN_TTL_MS - RENEW_MARGIN_MS;
    const mostTokens = mostTokensInOneWindow(tokenTimes, renewalWindowMs);
    const workerSeconds = round((to - env.workerStartedAt) / 1000, 0);
    const byKey = countByKey(inWindow);
    const perChange = round(inWindow.length / changes, 2);
    log('economy', `${inWindow.length} API calls in the window (${perChange} per change), ${ticks} cleanup ticks`);
    log(
      'economy',
      `list calls ${inWindow.filter(isListCall).length} (${lookupsInWindow.length} creates' name look-ups), outside cleanup ticks ${outside.length}`,
    );
    log('economy', `history events per pressure change ${events.perChange} (${events.total} events)`);
    log(
      'economy',
      `Keystone tokens ${tokenTimes.length} in ${workerSeconds} s, most in one ${renewalWindowMs / 1000} s window ${mostTokens}`,
    );
    const routes = (prefix: string) =>
      Object.entries(byKey)
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, count]) => `${key.slice(prefix.length)} ${count}`)
        .join(', ');

    return {
      title: 'Economy: API calls and history in a steady state',
      parameters: {
        seconds: durationMs / 1000,
        flavors: FLAVORS,
        changes,
        changesPerSecond: CHANGES_PER_SECOND,
        pressurePattern: `0 → ${PEAK} → 0, one step per change`,
        cleanupIntervalSeconds,
        tokenTtlSeconds: TOKEN_TTL_MS / 1000,
        renewMarginSeconds: RENEW_MARGIN_MS / 1000,
      },
      figures: {
        callsInWindow: byKey,
        callsPerChange: perChange,
        cleanupTicksInWindow: ticks,
        listCallsInWindow: inWindow.filter(isListCall).length,
        nameLookupsInWindow: lookupsInWindow.length,
        listCallsOutsideTicks: outside,
        historyEvents: events,
        keystone: {
          tokens: tokenTimes.length,
          workerSeconds,
          renewalWindowSeconds: renewalWindowMs / 1000,
          mostTokensInOneWindow: mostTokens,
        },
        planner: { streamsOpened: cloud.planner.stats.connectionsOpened },
        workflowRuns: histories.reduce((sum, h) => sum + h.runs, 0),
      },
      rows: [
        { figure: `Nova calls by route (${durationMs / 1000} s, ${changes} changes)`, value: routes('compute ') },
        { figure: 'GitHub calls by route', value: routes('github ') },
        {
          figure: 'Keystone, Glance and Neutron calls',
          value: [routes('identity '), routes('image '), routes('network ')].filter(Boolean).join(', '),
        },
        { figure: 'API calls per pressure change (all services)', value: String(perChange) },
        {
          figure: "Nova name look-ups (a create's look for its runner's VM) / server creates",
          value: `${lookupsInWindow.length} / ${byKey['compute POST /servers'] ?? 0}`,
        },
        {
          figure: `server and runner list calls outside cleanup ticks (${ticks} ticks; name look-ups apart)`,
          value: String(outside.length),
          target: '0',
          met: outside.length === 0,
        },
        {
          figure: 'history events per pressure change (all runs, ticks included)',
          value: String(events.perChange),
          target: `≤ ${TARGET.eventsPerChange}`,
          met: events.perChange <= TARGET.eventsPerChange,
        },
        {
          figure: 'history events per pressure change, by type',
          value: Object.entries(events.byTypePerChange)
            .map(([type, count]) => `${type} ${count}`)
            .join(', '),
        },
        {
          figure: `Keystone tokens: issued in ${workerSeconds} s / most in one ${renewalWindowMs / 1000} s window`,
          value: `${tokenTimes.length} / ${mostTokens}`,
          target: '1 per window',
          met: mostTokens === 1,
        },
      ],
      notes: [
        `Token lifetime ${TOKEN_TTL_MS / 1000} s; the client renews ${RENEW_MARGIN_MS / 1000} s before expiry, so each token's window is ${renewalWindowMs / 1000} s.`,
        "Counts cover the steady window only (after every flavor settled); tokens cover the worker's whole life.",
      ],
      chart: {
        title: 'Fleet list calls and Keystone tokens, cumulative',
        xLabel: 'seconds since the worker process started',
        yLabel: 'calls',
        series: [
          {
            label: "Nova server lists (creates' name look-ups included)",
            color: '#1f77b4',
            dashed: true,
            keys: ['compute GET /servers/detail', 'compute GET /servers'],
          },
          {
            label: 'GitHub runner lists',
            color: '#ff7f0e',
            dashed: false,
            keys: ['github GET /orgs/{org}/actions/runners'],
          },
          { label: 'Keystone tokens', color: '#2ca02c', dashed: false, keys: [TOKEN_CALL] },
        ].map(({ label, color, dashed, keys }) => ({
          label,
          color,
          dashed,
          points: [
            { x: 0, y: 0 },
            ...all
              .filter((call) => keys.includes(call.key))
              .map((call, i) => ({ x: round((call.at - env.workerStartedAt) / 1000), y: i + 1 })),
          ],
        })),
      },
    };
  } finally {
    await env.close();
  }
}
