import { clampDesired } from './desired';

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
