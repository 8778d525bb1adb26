import { PlannerStreamError, type PlannerStreamErrorKind } from '../../activities/planner/client';
import { createReconnectPolicy, MIN_RECONNECT_SPACING_MS } from '../../activities/planner/reconnect-policy';

/** Which stream ends the stream activity mends itself, on a clock of the test's own. */
const STALL_MS = 90_000;
let clock = 0;
const policy = () => createReconnectPolicy(STALL_MS, () => clock);
const ended = (kind: PlannerStreamErrorKind) => new PlannerStreamError(kind, kind);

beforeEach(() => {
  clock = 1_000_000;
});

test.each<[PlannerStreamErrorKind, boolean]>([
  ['stalled', true],
  ['flavor-missing', true],
  ['lost', true],
  ['transient', false],
  ['unauthorized', false],
  ['not-found', false],
])('a stream ended %s is reconnected: %s', (kind, reconnects) => {
  expect(policy().reconnects(ended(kind))).toBe(reconnects);
});

test('errors without a kind (a bug, an abort) are no reason to reconnect', () => {
  expect(policy().reconnects(new Error('bug'))).toBe(false);
  expect(policy().reconnects(undefined)).toBe(false);
});

test('stalls are reconnected every time', () => {
  const stalls = policy();
  for (let i = 0; i < 5; i += 1) expect(stalls.reconnects(ended('stalled'))).toBe(true);
});

test('a lost stream is reconnected once per stall period', () => {
  const losses = policy();
  expect(losses.reconnects(ended('lost'))).toBe(true);
  clock += STALL_MS - 1;
  expect(losses.reconnects(ended('lost'))).toBe(false);
  clock += 1;
  expect(losses.reconnects(ended('lost'))).toBe(true);
});

test('reconnects are spaced by at least MIN_RECONNECT_SPACING_MS', () => {
  const spacing = policy();
  expect(spacing.delayMs()).toBe(0);
  clock += 300;
  expect(spacing.delayMs()).toBe(MIN_RECONNECT_SPACING_MS - 300);
  clock += MIN_RECONNECT_SPACING_MS - 300 + 5_000;
  expect(spacing.delayMs()).toBe(0);
});
