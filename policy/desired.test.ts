import { clampDesired, desiredRunners, type DesiredInputs } from './desired';

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

describe('desiredRunners with a schedule’s limits in force', () => {
  const flavor = (mode: DesiredInputs['settings']['mode']) => ({ mode, minRunners: 1, maxRunners: 10 });
  const base = { fallbackActive: false, fallbackRunners: 0 };
  test.each([
    // mode, schedule's limits, last pressure, fallback active, desired
    ['static', undefined, undefined, false, 1],
    ['static', { minRunners: 6, maxRunners: 10 }, undefined, false, 6],
    ['static', { minRunners: 0, maxRunners: 10 }, undefined, false, 0],
    ['planner', { minRunners: 6, maxRunners: 10 }, 2, false, 6],
    ['planner', { minRunners: 6, maxRunners: 10 }, 8, false, 8],
    ['planner', { minRunners: 6, maxRunners: 20 }, 15, false, 15],
    ['planner', { minRunners: 6, maxRunners: 0 }, 50, false, 50],
    ['planner', undefined, 15, false, 10],
    ['planner', { minRunners: 6, maxRunners: 10 }, undefined, false, undefined],
    ['planner', { minRunners: 6, maxRunners: 10 }, 2, true, 6],
    // Reactive mode's quantity is its maxRunners setting, schedules or not (they are refused there).
    ['reactive', { minRunners: 6, maxRunners: 20 }, undefined, false, 10],
  ] as const)('%s, limits %j, pressure %p, fallback %p → %p', (mode, limits, lastPressure, fallbackActive, desired) => {
    expect(desiredRunners({ ...base, settings: flavor(mode), limits, lastPressure, fallbackActive })).toBe(desired);
  });
});
