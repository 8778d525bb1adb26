import type { ScheduleWindow } from '../contracts/schedules';
import { MAX_JOINED_OPENINGS, scheduleAt, type ScheduleInputs } from './schedules';

const flavor = (schedules: ScheduleWindow[], minRunners = 0, maxRunners = 0): ScheduleInputs => ({
  schedules,
  minRunners,
  maxRunners,
});
const at = (iso: string) => Date.parse(iso);

const berlinWorkday: ScheduleWindow = {
  name: 'workday',
  cron: '0 9 * * 1-5',
  timeZone: 'Europe/Berlin',
  durationSeconds: 10 * 3600,
  minRunners: 5,
};

describe('a window at an instant', () => {
  test.each([
    // instant (UTC), windows in force, min, next change — Monday 2 November 2026, Berlin on CET (UTC+1)
    ['2026-11-02T07:59:59Z', [], 0, '2026-11-02T08:00:00.000Z'],
    ['2026-11-02T08:00:00Z', ['workday'], 5, '2026-11-02T18:00:00.000Z'],
    ['2026-11-02T17:59:59.999Z', ['workday'], 5, '2026-11-02T18:00:00.000Z'],
    ['2026-11-02T18:00:00Z', [], 0, '2026-11-03T08:00:00.000Z'],
    // Friday evening: the next opening is Monday's.
    ['2026-11-06T18:00:00Z', [], 0, '2026-11-09T08:00:00.000Z'],
  ])('at %s: %j in force, minRunners %i, next change %s', (instant, names, minRunners, next) => {
    const status = scheduleAt(flavor([berlinWorkday]), at(instant));
    expect(status.inForce.map((window) => window.name)).toEqual(names);
    expect(status).toMatchObject({ minRunners, maxRunners: 0, nextChangeAt: next });
  });

  test('the window in force says until when and what it sets; a window without a name is called by its cron', () => {
    const unnamed = { ...berlinWorkday, name: undefined, maxRunners: 8 };
    expect(scheduleAt(flavor([unnamed]), at('2026-11-02T09:00:00Z')).inForce).toEqual([
      { name: '0 9 * * 1-5', until: '2026-11-02T18:00:00.000Z', minRunners: 5, maxRunners: 8 },
    ]);
  });

  test('no schedules: the flavor’s own limits and no change to wait for', () => {
    expect(scheduleAt(flavor([], 2, 9), at('2026-11-02T09:00:00Z'))).toEqual({
      inForce: [],
      minRunners: 2,
      maxRunners: 9,
      nextChangeAt: undefined,
    });
  });
});

describe('across daylight saving changes, a 09:00 window opens at 09:00 local time', () => {
  const nine = (timeZone: string): ScheduleWindow => ({
    cron: '0 9 * * *',
    timeZone,
    durationSeconds: 3600,
    minRunners: 3,
  });
  test.each([
    // zone, instant before the opening, the opening (UTC) — Berlin: CET +1 / CEST +2; New York: EST −5 / EDT −4
    ['Europe/Berlin', '2026-03-28T00:00:00Z', '2026-03-28T08:00:00.000Z'], // Saturday, still CET
    ['Europe/Berlin', '2026-03-28T12:00:00Z', '2026-03-29T07:00:00.000Z'], // the Sunday of the change: CEST
    ['Europe/Berlin', '2026-10-24T00:00:00Z', '2026-10-24T07:00:00.000Z'], // Saturday, still CEST
    ['Europe/Berlin', '2026-10-24T12:00:00Z', '2026-10-25T08:00:00.000Z'], // the Sunday of the change: CET
    ['America/New_York', '2026-03-07T00:00:00Z', '2026-03-07T14:00:00.000Z'], // Saturday, EST
    ['America/New_York', '2026-03-07T16:00:00Z', '2026-03-08T13:00:00.000Z'], // Sunday 8 March: EDT
    ['America/New_York', '2026-10-31T00:00:00Z', '2026-10-31T13:00:00.000Z'], // Saturday, EDT
    ['America/New_York', '2026-10-31T16:00:00Z', '2026-11-01T14:00:00.000Z'], // Sunday 1 November: EST
  ])('%s: after %s it opens at %s, and is in force from then', (timeZone, before, opening) => {
    const schedules = [nine(timeZone)];
    expect(scheduleAt(flavor(schedules), at(before))).toMatchObject({ inForce: [], nextChangeAt: opening });
    const open = scheduleAt(flavor(schedules), at(opening));
    expect(open).toMatchObject({ minRunners: 3, nextChangeAt: new Date(at(opening) + 3600_000).toISOString() });
    const local = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' });
    expect(local.format(new Date(opening))).toBe('09:00');
  });

  test('a duration is elapsed time: a 12 h night across the spring change ends at 11:00 on the wall clock', () => {
    const night = { ...nine('Europe/Berlin'), cron: '0 22 * * 6', durationSeconds: 12 * 3600 };
    // Saturday 28 March 22:00 CET = 21:00Z; 12 h later is 09:00Z = 11:00 CEST.
    expect(scheduleAt(flavor([night]), at('2026-03-29T06:00:00Z')).inForce[0].until).toBe('2026-03-29T09:00:00.000Z');
  });

  test.each([
    // 02:30 does not exist on the spring Sunday (02:00 → 03:00): the window opens at 03:00, as cron does.
    ['2026-03-28T12:00:00Z', '2026-03-29T01:00:00.000Z'],
    // 02:30 happens twice on the autumn Sunday: the window opens at the first, once.
    ['2026-10-24T12:00:00Z', '2026-10-25T00:30:00.000Z'],
    ['2026-10-25T00:31:00Z', '2026-10-25T00:40:00.000Z'],
    ['2026-10-25T00:40:00Z', '2026-10-26T01:30:00.000Z'],
  ])('Europe/Berlin 02:30, 10 minutes: after %s the next change is %s', (instant, next) => {
    const window = { ...nine('Europe/Berlin'), cron: '30 2 * * *', durationSeconds: 600 };
    expect(scheduleAt(flavor([window]), at(instant)).nextChangeAt).toBe(next);
  });
});

describe('overlapping windows', () => {
  const utc = (minRunners: number, maxRunners?: number, cron = '0 9 * * *', hours = 8): ScheduleWindow => ({
    name: `min ${minRunners}`,
    cron,
    timeZone: 'UTC',
    durationSeconds: hours * 3600,
    minRunners,
    maxRunners,
  });
  const noon = at('2026-11-02T12:00:00Z');

  const shorthand = (windows: ScheduleWindow[]) =>
    windows.map((w) => `{min ${w.minRunners}${w.maxRunners === undefined ? '' : `, max ${w.maxRunners}`}}`).join(' + ');
  const cases: [ScheduleWindow[], number, number, number, number][] = [
    // windows, flavor min, flavor max, effective min, effective max
    [[utc(2, 10), utc(5, 20)], 0, 0, 5, 20],
    // The highest minRunners wins; maxRunners is the most generous, not the winner's.
    [[utc(5, 6), utc(2, 10)], 0, 0, 5, 10],
    // A window without maxRunners brings the flavor's.
    [[utc(2, 10), utc(5)], 0, 8, 5, 10],
    [[utc(2, 4), utc(5)], 0, 8, 5, 8],
    [[utc(5)], 1, 8, 5, 8],
    // 0 is no cap, the most generous of all.
    [[utc(2, 10), utc(5, 0)], 0, 8, 5, 0],
    [[utc(2, 10), utc(5)], 0, 0, 5, 0],
    // A window's minRunners replaces the flavor's, lower too: none at night.
    [[utc(0)], 3, 0, 0, 0],
  ];
  const label = ([windows, min, max, minRunners, maxRunners]: (typeof cases)[number]) =>
    `${shorthand(windows)} on a flavor of min ${min}, max ${max} → min ${minRunners}, max ${maxRunners}`;
  test.each(cases.map((row) => [label(row), ...row] as const))(
    '%s',
    (_label, windows, min, max, minRunners, maxRunners) => {
      expect(scheduleAt(flavor(windows, min, max), noon)).toMatchObject({ minRunners, maxRunners });
    },
  );

  test('the next change is the soonest opening or closing of any window', () => {
    const day = utc(2, undefined, '0 9 * * *', 8); // 09:00–17:00, in force at noon
    const lunch = utc(6, undefined, '30 12 * * *', 1); // opens at 12:30
    const status = scheduleAt(flavor([day, lunch]), noon);
    expect(status).toMatchObject({ minRunners: 2, nextChangeAt: '2026-11-02T12:30:00.000Z' });
    const during = scheduleAt(flavor([day, lunch]), at('2026-11-02T12:30:00Z'));
    expect(during).toMatchObject({ minRunners: 6, nextChangeAt: '2026-11-02T13:30:00.000Z' });
    expect(during.inForce.map((window) => window.until)).toEqual([
      '2026-11-02T17:00:00.000Z',
      '2026-11-02T13:30:00.000Z',
    ]);
  });
});

describe('openings that overlap or touch make one stretch', () => {
  const every10 = (durationSeconds: number): ScheduleWindow => ({
    cron: '*/10 9-10 * * *',
    timeZone: 'UTC',
    durationSeconds,
    minRunners: 1,
  });
  test.each([
    // duration, instant, until: openings 09:00, 09:10 … 10:50
    [900, '2026-11-02T09:25:00Z', '2026-11-02T11:05:00.000Z'], // 15 min: they overlap
    [600, '2026-11-02T09:25:00Z', '2026-11-02T11:00:00.000Z'], // 10 min: they touch
    [300, '2026-11-02T09:22:00Z', '2026-11-02T09:25:00.000Z'], // 5 min: gaps between
  ])('every 10 min for %i s, at %s: until %s', (duration, instant, until) => {
    expect(scheduleAt(flavor([every10(duration)]), at(instant)).inForce[0]?.until).toBe(until);
  });

  test(`a stretch past ${MAX_JOINED_OPENINGS} openings ends where the look stopped: the workflow looks again then`, () => {
    const always: ScheduleWindow = { cron: '* * * * * *', timeZone: 'UTC', durationSeconds: 2, minRunners: 1 };
    const status = scheduleAt(flavor([always]), at('2026-11-02T09:00:00.500Z'));
    expect(status.nextChangeAt).toBe(new Date(at('2026-11-02T09:00:02Z') + MAX_JOINED_OPENINGS * 1000).toISOString());
  });
});
