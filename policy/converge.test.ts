import type { RunnerInfo } from '../contracts/activities';
import { planConverge, planCreate } from './converge';

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
    expect(planConverge(desired, runners)).toEqual(plan);
  });
});
