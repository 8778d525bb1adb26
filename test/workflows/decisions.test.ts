import type { RunnerInfo } from '../../activities/interfaces';
import {
  checkFallbackRunners,
  checkPressure,
  clampDesired,
  planConverge,
  planCreate,
  reconnectDelaySeconds,
} from '../../workflows/decisions';
import { ownsRunnerName, runnerName, runnerSeq } from '../../workflows/runner-names';
import { resolveSettings } from '../../workflows/settings';

describe('clampDesired', () => {
  test.each([
    // pressure, min, max, desired
    [0, 0, 0, 0],
    [5, 0, 0, 5],
    [5, 2, 0, 5],
    [1, 2, 0, 2],
    [-3, 0, 0, 0],
    [-3, 2, 0, 2],
    [50, 0, 10, 10],
    [50, 2, 10, 10],
    [0, 2, 10, 2],
    [7, 0, 7, 7],
  ])('pressure %i, min %i, max %i → %i', (pressure, min, max, desired) => {
    expect(clampDesired(pressure, min, max)).toBe(desired);
  });
});

describe('planCreate', () => {
  test.each([
    // desired, current, paused, create
    [undefined, 0, false, 0],
    [3, 0, false, 3],
    [3, 3, false, 0],
    [3, 5, false, 0],
    [5, 2, false, 3],
    [5, 2, true, 0],
    [0, 0, false, 0],
  ])('desired %p, current %i, paused %p → %i', (desired, current, paused, create) => {
    expect(planCreate(desired, current, paused)).toBe(create);
  });
});

describe('planConverge', () => {
  const runner = (name: string, state: RunnerInfo['state'], minute: number): RunnerInfo => ({
    name,
    state,
    createdAt: `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`,
  });
  const fleet = [
    runner('r-3', 'idle', 3),
    runner('r-1', 'busy', 1),
    runner('r-2', 'idle', 2),
    runner('r-4', 'booting', 4),
  ];

  test.each([
    ['unknown desired', undefined, fleet, { action: 'none' }],
    ['scale up', 6, fleet, { action: 'create', count: 2 }],
    ['at desired', 4, fleet, { action: 'none' }],
    ['down by one: oldest idle first', 3, fleet, { action: 'delete', count: 1, candidates: [fleet[2], fleet[0]] }],
    ['down to zero: only idle ones', 0, fleet, { action: 'delete', count: 2, candidates: [fleet[2], fleet[0]] }],
    ['surplus but all busy', 0, [runner('b', 'busy', 1)], { action: 'none' }],
    ['empty fleet, zero desired', 0, [], { action: 'none' }],
    ['empty fleet, scale up', 2, [], { action: 'create', count: 2 }],
  ])('%s', (_name, desired, runners, plan) => {
    expect(planConverge(desired as number | undefined, runners as RunnerInfo[])).toEqual(plan);
  });
});

describe('reconnectDelaySeconds', () => {
  test.each([
    [1, 'transient', 5],
    [2, 'transient', 10],
    [3, 'transient', 20],
    [4, 'transient', 40],
    [5, 'transient', 60],
    [50, 'transient', 60],
    [1, 'permanent', 60],
    [7, 'permanent', 60],
  ] as const)('failure %i (%s) → %i s', (failures, kind, delay) => {
    expect(reconnectDelaySeconds(failures, kind, 5, 60)).toBe(delay);
  });
});

describe('checkFallbackRunners', () => {
  test.each([
    [3, 0, true],
    [0, 0, true],
    [10, 10, true],
    [11, 10, false],
    [-1, 0, false],
    [1.5, 0, false],
    ['3', 0, false],
    [null, 0, false],
    [Number.NaN, 0, false],
    [Number.POSITIVE_INFINITY, 0, false],
    [{ n: 3 }, 0, false],
  ])('%p with max %i → ok=%p', (value, max, ok) => {
    expect(checkFallbackRunners(value, max).ok).toBe(ok);
  });

  test('the reason names the problem', () => {
    expect(checkFallbackRunners(11, 10)).toEqual({ ok: false, reason: 'fallbackRunners 11 is above maxRunners 10' });
    expect(checkFallbackRunners('x', 0)).toEqual({ ok: false, reason: 'fallbackRunners must be an integer, got "x"' });
  });
});

describe('checkPressure', () => {
  test.each([
    [0, true],
    [12, true],
    [-1, false],
    [2.5, false],
    ['4', false],
    [undefined, false],
  ])('%p → ok=%p', (value, ok) => {
    expect(checkPressure(value).ok).toBe(ok);
  });
});

describe('runner names', () => {
  test.each([
    ['foo-0', 'foo-0-7', 7],
    ['foo-0', 'foo-0-1-7', undefined],
    ['foo-0', 'foo-0-', undefined],
    ['foo-0', 'foo-0-07', undefined],
    ['foo-0', 'foo-00', undefined],
    ['foo', 'foo-0', 0],
    ['foo', 'bar-1', undefined],
  ])('prefix %s, name %s → seq %p', (prefix, name, seq) => {
    expect(runnerSeq(prefix, name)).toBe(seq);
    expect(ownsRunnerName(prefix, name)).toBe(seq !== undefined);
  });

  test('runnerName inverts runnerSeq', () => {
    expect(runnerSeq('small', runnerName('small', 42))).toBe(42);
  });
});

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
      streamStallTimeoutSeconds: 90,
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
