import { resolveSettings } from '../../contracts/settings';

const window = { cron: '0 9 * * 1-5', timeZone: 'Europe/Berlin', durationSeconds: 36_000, minRunners: 5 };

describe('resolveSettings', () => {
  test('defaults', () => {
    expect(resolveSettings({ flavor: 'small' })).toMatchObject({
      flavor: 'small',
      plannerFlavor: 'small',
      runnerNamePrefix: 'small',
      mode: 'planner',
      minRunners: 0,
      maxRunners: 0,
      fallbackRunners: 0,
      cleanupIntervalSeconds: 300,
      streamBackoffInitialSeconds: 5,
      streamBackoffMaxSeconds: 60,
      streamStallTimeoutSeconds: 300,
      fallbackGraceSeconds: 600,
    });
  });

  test.each([
    [{ flavor: 'Small!' }, /flavor must match/],
    [{ flavor: 'small', minRunners: -1 }, /minRunners must be an integer ≥ 0/],
    [{ flavor: 'small', maxRunners: 1.5 }, /maxRunners must be an integer/],
    [{ flavor: 'small', minRunners: 5, maxRunners: 2 }, /minRunners 5 is above maxRunners 2/],
    [{ flavor: 'small', fallbackRunners: 5, maxRunners: 2 }, /fallbackRunners 5 is above maxRunners 2/],
    [{ flavor: 'small', mode: 'polling' }, /mode must be/],
    [{ flavor: 'small', cleanupIntervalSeconds: 0 }, /cleanupIntervalSeconds must be a positive number/],
    [{ flavor: 'small', labels: ['ok', ''] }, /labels must be a list/],
    [{ flavor: 'small', maxRunner: 3 }, /unknown setting\(s\): maxRunner/],
    [{ flavor: 'small', streamBackoffInitialSeconds: 10, streamBackoffMaxSeconds: 5 }, /streamBackoffMaxSeconds/],
    // The planner's every-flavor view skips every line of a stream: refused at once.
    [{ flavor: 'small', plannerFlavor: '_' }, /plannerFlavor "_" is the planner's view of every flavor/],
    // Label lists GitHub would refuse at the first registration.
    [{ flavor: 'small', labels: Array.from({ length: 98 }, (_, i) => `l${i}`) }, /at most 100 labels, these make 101/],
    [{ flavor: 'small', labels: ['x'.repeat(257)] }, /at most 256 characters/],
    [{ flavor: 'small', labels: [' gpu'] }, /must not start or end with whitespace/],
    [{ flavor: 'small', runnerNamePrefix: 'p'.repeat(51) }, /runnerNamePrefix must be at most 50/],
    [{ flavor: 'small', fallbackGraceSeconds: -1 }, /fallbackGraceSeconds must be 0 or more/],
    // Schedule windows: each refusal names the window.
    [
      { flavor: 'small', schedules: [window, { ...window, cron: '61 9 * * *' }] },
      /^schedules\[1\]: cron "61 9 \* \* \*" is not a cron expression: Invalid value for minute: 61$/,
    ],
    [
      { flavor: 'small', schedules: [{ ...window, cron: '0 9 * *' }] },
      /schedules\[0\]: cron "0 9 \* \*" is not a cron expression/,
    ],
    [{ flavor: 'small', schedules: [{ ...window, cron: '0 0 0 1 1 * 2030' }] }, /requires exactly 5 or 6 parts/],
    [
      { flavor: 'small', schedules: [{ ...window, cron: '0 0 30 2 *' }] },
      /schedules\[0\]: cron "0 0 30 2 \*" never opens/,
    ],
    [
      { flavor: 'small', schedules: [{ ...window, timeZone: 'Europe/Atlantis' }] },
      /schedules\[0\]: timeZone "Europe\/Atlantis" is not an IANA time zone/,
    ],
    [
      { flavor: 'small', schedules: [{ ...window, durationSeconds: 0 }] },
      /schedules\[0\]: durationSeconds must be a positive number of seconds, got 0/,
    ],
    [
      { flavor: 'small', schedules: [{ ...window, durationSeconds: -60 }] },
      /durationSeconds must be a positive number/,
    ],
    [
      { flavor: 'small', schedules: [{ ...window, minRunners: 5, maxRunners: 3 }] },
      /schedules\[0\]: minRunners 5 is above maxRunners 3/,
    ],
    [
      { flavor: 'small', maxRunners: 3, schedules: [window] },
      /schedules\[0\]: minRunners 5 is above the flavor's maxRunners 3/,
    ],
    [{ flavor: 'small', schedules: [{ ...window, minRunners: 1.5 }] }, /schedules\[0\]: minRunners must be an integer/],
    [
      { flavor: 'small', schedules: [{ ...window, timezone: 'UTC' }] },
      /schedules\[0\]: unknown window setting\(s\): timezone/,
    ],
    [
      { flavor: 'small', schedules: [{ cron: '0 9 * * *' }] },
      /schedules\[0\]: timeZone must name an IANA time zone, got undefined/,
    ],
    [{ flavor: 'small', schedules: window }, /schedules must be a list of windows/],
    [
      { flavor: 'small', mode: 'reactive', maxRunners: 5, schedules: [window] },
      /schedules apply in planner and static modes/,
    ],
  ])('%p is rejected', (input, message) => {
    expect(() => resolveSettings(input as never)).toThrow(message);
  });
});

test('the limits admit what GitHub admits', () => {
  const labels = ['self-hosted', ...Array.from({ length: 97 }, (_, i) => `l${i}`)];
  expect(
    resolveSettings({ flavor: 'small', labels, runnerNamePrefix: 'p'.repeat(50), fallbackGraceSeconds: 0 }),
  ).toMatchObject({
    labels,
    fallbackGraceSeconds: 0,
  });
  expect(resolveSettings({ flavor: 'small', labels: ['x'.repeat(256)] }).labels).toHaveLength(1);
});

test('schedule windows: any zone Intl knows, five fields or six with seconds, croner’s extensions', () => {
  const schedules = [
    window,
    { ...window, name: 'lunch', cron: '*/30 12 * * MON-FRI', timeZone: 'America/New_York', maxRunners: 9 },
    { ...window, cron: '30 0 9 * * 1#2', timeZone: 'UTC', minRunners: 0 },
    { ...window, cron: '@daily', timeZone: 'Asia/Kolkata' },
  ];
  expect(resolveSettings({ flavor: 'small', schedules }).schedules).toEqual(schedules);
  expect(resolveSettings({ flavor: 'small' }).schedules).toEqual([]);
  // A window with its own maxRunners may go above the flavor's.
  const above = { ...window, minRunners: 10, maxRunners: 12 };
  expect(resolveSettings({ flavor: 'small', maxRunners: 3, schedules: [above] }).schedules).toEqual([above]);
});
