import { jobRetryDelaySeconds, pickupCheckSeconds, reconnectDelaySeconds } from './backoff';

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

describe('jobRetryDelaySeconds', () => {
  test.each([
    [1, 60],
    [2, 120],
    [3, 240],
    [5, 960],
    [6, 1800],
    [40, 1800],
  ])('after attempt %i → %i s', (attempt, seconds) => {
    expect(jobRetryDelaySeconds(attempt, 60, 1800)).toBe(seconds);
  });
});

test('pickupCheckSeconds looks five times per window, at most once a second', () => {
  expect(pickupCheckSeconds(300)).toBe(60);
  expect(pickupCheckSeconds(2)).toBe(1);
});
