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
  ])('%p is rejected', (input, message) => {
    expect(() => resolveSettings(input as never)).toThrow(message);
  });
});
