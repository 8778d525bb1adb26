import type { RunnerInfo } from '../contracts/activities';
import { confirmedIdle, recordIdleSightings, type IdleSightings } from './idle-confirmation';

const at = (minute: number) => `2026-06-01T12:${String(minute).padStart(2, '0')}:00.000Z`;
const runner = (name: string, state: RunnerInfo['state'], createdMinute = 0): RunnerInfo => ({
  name,
  state,
  createdAt: at(createdMinute),
});
const rule = { idleConfirmSeconds: 120, minRunnerAgeSeconds: 180 };

describe('recordIdleSightings', () => {
  test.each([
    ['a first idle sighting starts a run', {}, [runner('r-1', 'idle')], 10, { 'r-1': at(10) }],
    ['a run goes on', { 'r-1': at(5) }, [runner('r-1', 'idle')], 10, { 'r-1': at(5) }],
    ['a busy sighting ends it', { 'r-1': at(5) }, [runner('r-1', 'busy')], 10, {}],
    ['booting is not idle', { 'r-1': at(5) }, [runner('r-1', 'booting')], 10, {}],
    ['a runner missing from the list loses its run', { 'r-1': at(5) }, [], 10, {}],
  ] as [string, IdleSightings, RunnerInfo[], number, IdleSightings][])(
    '%s',
    (_what, before, runners, minute, after) => {
      expect(recordIdleSightings(before, runners, at(minute))).toEqual(after);
    },
  );
});

describe('confirmedIdle', () => {
  test.each([
    ['seen idle 2 min apart, 10 min old: confirmed', runner('r-1', 'idle'), { 'r-1': at(8) }, 10, true],
    ['seen idle only now', runner('r-1', 'idle'), { 'r-1': at(10) }, 10, false],
    ['seen idle 1 min apart', runner('r-1', 'idle'), { 'r-1': at(9) }, 10, false],
    ['busy now (the flag caught up)', runner('r-1', 'busy'), { 'r-1': at(1) }, 10, false],
    ['confirmed but younger than the minimum age', runner('r-1', 'idle', 8), { 'r-1': at(4) }, 10, false],
    ['no sighting at all', runner('r-1', 'idle'), {}, 10, false],
    ['no creation time known', { name: 'r-1', state: 'idle' }, { 'r-1': at(1) }, 10, false],
  ] as [string, RunnerInfo, IdleSightings, number, boolean][])('%s', (_what, candidate, sightings, minute, ok) => {
    expect(confirmedIdle([candidate], sightings, at(minute), rule)).toEqual(ok ? [candidate] : []);
  });

  test('a rule of zeros confirms every idle runner at its first sighting (the behaviour before the rule)', () => {
    const runners = [runner('r-1', 'idle', 10), runner('r-2', 'busy', 10)];
    const sightings = recordIdleSightings({}, runners, at(10));
    expect(confirmedIdle(runners, sightings, at(10), { idleConfirmSeconds: 0, minRunnerAgeSeconds: 0 })).toEqual([
      runners[0],
    ]);
  });
});
