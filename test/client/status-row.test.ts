import { statusRow } from '../../client/status-row';
import textTable from 'text-table';
import type { FlavorState } from '../../contracts/state';

/** The cells that integration tests cannot reach quickly: a failed cleanup (after its retries) and a queue. */

const totals = { created: 0, createFailures: 0, removedByCleanup: 0, deleted: 0, pressureUpdates: 0, cleanupTicks: 1 };
const state: FlavorState = {
  flavor: 'small',
  mode: 'reactive',
  desired: 3,
  currentRunners: 2,
  creationPaused: true,
  fallbackRunners: 0,
  minRunners: 0,
  maxRunners: 5,
  queue: { size: 4, inFlight: 1, consumers: 3, acknowledged: 7, dropped: 0, duplicates: 0 },
  lastCleanup: {
    at: '2025-03-01T10:20:30.456Z',
    error: 'cloud unavailable',
    removed: [],
    created: 0,
    deleted: [],
    keptBusy: [],
    runners: 2,
  },
  totals,
  runs: 1,
};

test('a reactive flavor shows its queue, a paused creation and the last cleanup error', () => {
  expect(statusRow(state)).toEqual([
    'small',
    'reactive',
    '-',
    '3',
    '2',
    'yes',
    '-',
    '4 waiting, 1 in flight, 3 consumers',
    '2025-03-01 10:20:30Z error: cloud unavailable',
    '-',
  ]);
});

test('a stream down without a retry scheduled shows as down; a stopping flavor says so', () => {
  const stream = { connected: false, reconnects: 2 };
  const row = statusRow({ ...state, mode: 'fallback', queue: undefined, stream, stopping: true });
  expect(row[1]).toBe('fallback, stopping');
  expect(row[6]).toBe('down');
});

test('the table (text-table, as status and the dashboard print it) pads every column but the last', () => {
  expect(
    textTable([
      ['a', 'bb', 'c'],
      ['xxx', 'y', 'long last cell'],
      ['z', 'w', ''],
    ]),
  ).toBe(['a    bb  c', 'xxx  y   long last cell', 'z    w'].join('\n'));
});

test('an outage within its grace shows when the fallback count takes over, and which', () => {
  const stream = { connected: false, reconnects: 3, retryInSeconds: 10 };
  const outage = {
    since: '2025-03-01T10:00:00Z',
    graceEndsAt: '2025-03-01T10:10:00Z',
    graceLeftSeconds: 420,
    desiredAfterGrace: 1,
  };
  const row = statusRow({ ...state, mode: 'planner', queue: undefined, stream, outage });
  expect(row[6]).toBe('down, retry in 10s, fallback to 1 in 420s');
});

test('a schedule shows the windows in force with their limits, then the next change', () => {
  const window = { name: 'workday', until: '2026-11-02T18:00:00.000Z', minRunners: 5 };
  const scheduled = (schedule: FlavorState['schedule']) => statusRow({ ...state, mode: 'static', schedule })[9];
  const next = '2026-11-02T18:00:00.000Z';
  expect(scheduled({ inForce: [window], minRunners: 5, maxRunners: 0, nextChangeAt: next })).toBe(
    'workday: min 5; next change 2026-11-02 18:00:00Z',
  );
  const lunch = { name: 'lunch', until: '2026-11-02T13:00:00.000Z', minRunners: 8, maxRunners: 12 };
  expect(scheduled({ inForce: [window, lunch], minRunners: 8, maxRunners: 12, nextChangeAt: next })).toBe(
    'workday, lunch: min 8, max 12; next change 2026-11-02 18:00:00Z',
  );
  expect(scheduled({ inForce: [], minRunners: 0, maxRunners: 5, nextChangeAt: next })).toBe(
    'no window; next change 2026-11-02 18:00:00Z',
  );
  expect(scheduled({ inForce: [], minRunners: 0, maxRunners: 5 })).toBe('no window; no change ahead');
});
