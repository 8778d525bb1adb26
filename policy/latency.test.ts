import type { RunnerInfo } from '../contracts/activities';
import { bootsSeen, settleRise, trackRise } from './latency';

const t0 = '2026-01-01T00:00:00.000Z';
const t1 = '2026-01-01T00:00:07.000Z';

describe('trackRise', () => {
  test.each([
    // what, inputs, pending after
    ['the first pressure above the runners', { desired: 3, currentRunners: 0 }, t1],
    ['a rise above the runners', { desiredBefore: 2, desired: 5, currentRunners: 2 }, t1],
    ['a rise that stays within the runners', { desiredBefore: 2, desired: 4, currentRunners: 4 }, undefined],
    [
      'a rise while one is pending keeps the earlier',
      { pending: t0, desiredBefore: 3, desired: 6, currentRunners: 0 },
      t0,
    ],
    ['a fall that still leaves runners to make', { pending: t0, desiredBefore: 6, desired: 4, currentRunners: 2 }, t0],
    [
      'a fall back to the runners withdraws it',
      { pending: t0, desiredBefore: 6, desired: 2, currentRunners: 2 },
      undefined,
    ],
    [
      'a recount that found the runners withdraws it',
      { pending: t0, desiredBefore: 5, desired: 5, currentRunners: 5 },
      undefined,
    ],
    ['a shortfall without a rise starts none', { desiredBefore: 5, desired: 5, currentRunners: 3 }, undefined],
    ['a fall with a shortfall starts none', { desiredBefore: 6, desired: 5, currentRunners: 3 }, undefined],
    ['no desired yet', { pending: t0, currentRunners: 0 }, undefined],
  ])('%s', (_what, inputs, expected) => {
    expect(trackRise({ ...inputs, now: t1 })).toBe(expected);
  });
});

describe('bootsSeen', () => {
  const now = Date.parse('2026-01-01T00:10:00.000Z');
  const runner = (name: string, state: RunnerInfo['state'], createdAt?: string): RunnerInfo => ({
    name,
    state,
    createdAt,
  });

  test.each([
    // what, awaiting, runners, seconds, awaiting after
    ['an awaited runner online', ['r-0'], [runner('r-0', 'idle', '2026-01-01T00:08:30Z')], [90], []],
    ['an awaited runner busy already', ['r-0'], [runner('r-0', 'busy', '2026-01-01T00:09:00Z')], [60], []],
    ['an awaited runner still booting', ['r-0'], [runner('r-0', 'booting', '2026-01-01T00:09:00Z')], [], ['r-0']],
    ['a runner first seen booting is awaited', [], [runner('r-1', 'booting', '2026-01-01T00:09:00Z')], [], ['r-1']],
    ['a runner first seen online gives nothing', [], [runner('r-2', 'idle', '2026-01-01T00:01:00Z')], [], []],
    ['an awaited runner gone is forgotten', ['r-3'], [], [], []],
    [
      'an awaited runner offline stays awaited',
      ['r-4'],
      [runner('r-4', 'offline', '2026-01-01T00:00:00Z')],
      [],
      ['r-4'],
    ],
    ['an awaited runner without a VM time gives nothing', ['r-5'], [runner('r-5', 'idle')], [], []],
    ['a VM time after the tick counts 0', ['r-6'], [runner('r-6', 'idle', '2026-01-01T00:10:02Z')], [0], []],
  ])('%s', (_what, awaiting, runners, seconds, after) => {
    expect(bootsSeen(awaiting, runners, now)).toEqual({ seconds, awaiting: after });
  });
});

describe('settleRise', () => {
  test.each([
    // pending, desired, runners, after
    [t0, 5, 3, t0],
    [t0, 5, 5, undefined],
    [t0, 5, 7, undefined],
    [t0, undefined, 0, undefined],
    [undefined, 5, 3, undefined],
  ])('pending %s, desired %s, runners %i → %s', (pending, desired, runners, after) => {
    expect(settleRise(pending, desired, runners)).toBe(after);
  });
});
