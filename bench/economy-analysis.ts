import type { TimedCall } from './call-log';
import type { FlavorHistory } from './history';
import { round } from './stats';

/**
 * Calls that list the fleet: Nova servers and GitHub runners (keys as timeCalls records them, GitHub's
 * prefixed `github `). Image, network and flavor look-ups are not.
 */
const LIST_CALLS = new Set([
  'compute GET /servers/detail',
  'compute GET /servers',
  'github GET /orgs/{org}/actions/runners',
  'github GET /repos/{owner}/{repo}/actions/runners',
]);
export const TOKEN_CALL = 'identity POST /v3/auth/tokens';
/** A Nova server list that asked for one name only (the OpenStack simulator's serverLookups). */
export const NAME_LOOKUP = 'compute name look-up';

export const isListCall = (call: TimedCall): boolean => LIST_CALLS.has(call.key);

export function countByKey(calls: TimedCall[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { key } of calls) counts[key] = (counts[key] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export const within = (calls: TimedCall[], from: number, to: number): TimedCall[] =>
  calls.filter(({ at }) => at >= from && at <= to);

/**
 * List calls made while no flavor's cleanupRunners activity ran (scheduled → closed, from the histories).
 * Any flavor's tick counts, so with many flavors this is a lower bound; with ticks short and rare, close.
 * A create's look-up of its own runner's name (one Nova list asking for one name, see activities/fleet/
 * create.ts) lists no fleet: each look-up in `lookups` takes out the latest Nova list at or before it.
 */
export function listCallsOutsideTicks(
  calls: TimedCall[],
  lookups: TimedCall[],
  histories: FlavorHistory[],
): TimedCall[] {
  const windows = histories.flatMap((history) => history.cleanupWindows);
  const lists = calls.filter((call) => isListCall(call)).sort((a, b) => a.at - b.at);
  const taken = new Set<TimedCall>();
  for (const lookup of lookups) {
    const list = lists
      .filter((call) => call.key.startsWith('compute ') && call.at <= lookup.at && !taken.has(call))
      .pop();
    if (list) taken.add(list);
  }
  return lists.filter((call) => !taken.has(call) && !windows.some(([from, to]) => call.at >= from && call.at <= to));
}

/** The most tokens issued within any span of `windowMs` (1 = never a second token inside one window). */
export function mostTokensInOneWindow(tokenTimes: number[], windowMs: number): number {
  const sorted = [...tokenTimes].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while (sorted[i] - sorted[j] >= windowMs) j += 1;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** History events recorded in [from, to], per pressure change made in that span, in total and by type. */
export function eventsPerChange(histories: FlavorHistory[], from: number, to: number, changes: number) {
  const byType: Record<string, number> = {};
  let total = 0;
  for (const { type, at } of histories.flatMap((history) => history.events)) {
    if (at < from || at > to) continue;
    total += 1;
    byType[type] = (byType[type] ?? 0) + 1;
  }
  const perChange = Object.fromEntries(
    Object.entries(byType)
      .sort(([, a], [, b]) => b - a)
      .map(([type, count]) => [type, round(count / changes, 2)]),
  );
  return { total, perChange: round(total / changes, 2), byTypePerChange: perChange };
}
