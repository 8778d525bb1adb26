import { chooseCredential, type CredentialState } from './credential-choice';

const now = 1_000_000;
const fresh: CredentialState = { inFlight: 0, endpointRoom: 180 };
const at = (remaining: number, more: Partial<CredentialState> = {}): CredentialState => ({
  ...fresh,
  remaining,
  resetAtMs: now + 3_600_000,
  ...more,
});

describe('chooseCredential', () => {
  test.each<[string, CredentialState[], { index: number; waitMs: number }]>([
    ['one credential', [at(10)], { index: 0, waitMs: 0 }],
    ['the most primary budget left', [at(100), at(4000), at(2000)], { index: 1, waitMs: 0 }],
    [
      'requests in flight spend budget first',
      [at(100, { inFlight: 0 }), at(105, { inFlight: 10 })],
      { index: 0, waitMs: 0 },
    ],
    ['an unknown budget counts as full', [at(4999), fresh], { index: 1, waitMs: 0 }],
    ['two unknown: the fewer in flight', [{ ...fresh, inFlight: 1 }, fresh], { index: 1, waitMs: 0 }],
    [
      'an unknown budget has its requests in flight counted too',
      [at(4990), { ...fresh, inFlight: 11 }],
      { index: 0, waitMs: 0 },
    ],
    [
      'an unknown budget is as full as the largest limit reported',
      [at(14_000, { limit: 15_000 }), { ...fresh, inFlight: 100 }],
      { index: 1, waitMs: 0 },
    ],
    [
      'a window reset since: its own limit is its budget',
      [at(0, { limit: 100, resetAtMs: now - 1 }), at(200, { limit: 5000 })],
      { index: 1, waitMs: 0 },
    ],
    ['a tie: the first listed', [at(50), at(50)], { index: 0, waitMs: 0 }],
    ['spent until its reset, however little the other has', [at(0), at(3)], { index: 1, waitMs: 0 }],
    ['spent by its requests in flight', [at(2, { inFlight: 2 }), at(1)], { index: 1, waitMs: 0 }],
    ['spent, its window reset since: usable again', [at(0, { resetAtMs: now - 1 }), at(3)], { index: 0, waitMs: 0 }],
    [
      'refused: skipped until the refusal ends',
      [at(4000, { refusedUntilMs: now + 5000 }), at(10)],
      { index: 1, waitMs: 0 },
    ],
    ['a refusal that has ended stops nothing', [at(4000, { refusedUntilMs: now }), at(10)], { index: 0, waitMs: 0 }],
    [
      'room in the endpoint budget before primary budget',
      [at(4000, { endpointRoom: 0 }), at(10)],
      { index: 1, waitMs: 0 },
    ],
    [
      'no room anywhere: the shortest queue',
      [at(4000, { endpointRoom: -5 }), at(10, { endpointRoom: -1 })],
      { index: 1, waitMs: 0 },
    ],
    [
      'all refused: the one free soonest, with its wait',
      [at(10, { refusedUntilMs: now + 9000 }), at(10, { refusedUntilMs: now + 2000 })],
      { index: 1, waitMs: 2000 },
    ],
    [
      'all spent: the one resetting soonest, sent without a wait',
      [at(0, { resetAtMs: now + 600_000 }), at(0, { resetAtMs: now + 60_000 })],
      { index: 1, waitMs: 0 },
    ],
    [
      'refused and spent: the spent one resets sooner',
      [at(10, { refusedUntilMs: now + 60_000 }), at(0, { resetAtMs: now + 30_000 })],
      { index: 1, waitMs: 0 },
    ],
  ])('%s', (_, states, choice) => {
    expect(chooseCredential(states, now)).toEqual(choice);
  });

  test('no credentials is a mistake', () => {
    expect(() => chooseCredential([], now)).toThrow('no credentials');
  });
});
