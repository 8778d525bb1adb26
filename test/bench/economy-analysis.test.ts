import { timeCounter } from '../../bench/call-log';
import { listCallsOutsideTicks, NAME_LOOKUP } from '../../bench/economy-analysis';
import type { FlavorHistory } from '../../bench/history';

const NOVA = 'compute GET /servers/detail';
const GITHUB = 'github GET /orgs/{org}/actions/runners';
const history = (cleanupWindows: [number, number][]): FlavorHistory => ({
  flavor: 'a',
  runs: 1,
  events: [],
  cleanupWindows,
  pressureSignals: new Map(),
});

describe('listCallsOutsideTicks', () => {
  const calls = [
    { key: NOVA, at: 10 },
    { key: NOVA, at: 12 },
    { key: GITHUB, at: 13 },
    { key: 'compute POST /servers', at: 11 },
    { key: NOVA, at: 30 },
  ];
  const ticks = [history([[29, 32]])];

  test.each([
    ['no look-ups: every list outside the tick counts', [], [10, 12, 13]],
    ['a look-up takes out the latest Nova list at or before it', [12], [10, 13]],
    ['two look-ups take out two lists', [10, 12], [13]],
    ['a look-up takes out a Nova list, never a GitHub one', [13], [10, 13]],
    ['a look-up inside the tick takes out the Nova list there', [31], [10, 12, 13]],
  ])('%s', (_name, lookupTimes, outsideTimes) => {
    const lookups = lookupTimes.map((at) => ({ key: NAME_LOOKUP, at }));
    expect(listCallsOutsideTicks(calls, lookups, ticks).map((call) => call.at)).toEqual(outsideTimes);
  });
});

test('timeCounter notes each rise of the counter and keeps its value', () => {
  const stats = { serverLookups: 2, calls: {} };
  const log = timeCounter(stats, 'serverLookups', NAME_LOOKUP);
  stats.serverLookups += 1;
  stats.serverLookups += 2;
  expect(stats.serverLookups).toBe(5);
  expect(log.map((call) => call.key)).toEqual([NAME_LOOKUP, NAME_LOOKUP, NAME_LOOKUP]);
  expect({ ...stats }).toEqual({ serverLookups: 5, calls: {} });
});
