import { resolveSettings } from '../../contracts/settings';

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
