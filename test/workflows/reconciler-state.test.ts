import { ReconcilerState } from '../../workflows/reconciler-state';
import { resolveSettings } from '../../contracts/settings';

const at = '2026-01-01T00:00:00.000Z';
const fresh = () => new ReconcilerState(resolveSettings({ flavor: 'small', fallbackRunners: 2 }), undefined);

describe('ReconcilerState', () => {
  test('a value that arrives after its stream failed neither ends the fallback nor resets the backoff', () => {
    const state = fresh();
    const first = state.recordStreamOpened();
    state.recordPressure(first, 4, at);
    expect(state.snapshot()).toMatchObject({ mode: 'planner', desired: 4 });
    expect(state.recordStreamFailure('reset', at, 0).failures).toBe(1);
    state.recordPressure(first, 7, at);
    expect(state.snapshot()).toMatchObject({ mode: 'fallback', desired: 2, lastPressure: 4 });
    const second = state.recordStreamOpened();
    expect(state.recordStreamFailure('reset', at, 0).failures).toBe(2);
    state.recordPressure(second, 7, at);
    expect(state.snapshot().mode).toBe('fallback');
    const third = state.recordStreamOpened();
    state.recordPressure(third, 7, at);
    expect(state.snapshot()).toMatchObject({ mode: 'planner', desired: 7 });
    expect(state.recordStreamFailure('reset', at, 0).failures).toBe(1);
  });

  test('numbering moves past every listed name, removed ones included', () => {
    const state = fresh();
    state.recordFleet([{ name: 'small-3', state: 'idle' }], [{ name: 'small-9' }, { name: 'other-50' }], at);
    expect(state.takeRunnerNames(2)).toEqual(['small-10', 'small-11']);
  });

  test('creation waits for the first list of a fresh start', () => {
    const state = new ReconcilerState(resolveSettings({ flavor: 'small', mode: 'static', minRunners: 2 }), undefined);
    expect(state.needsCreate()).toBe(0);
    state.recordFleet([], [], at);
    expect(state.needsCreate()).toBe(2);
  });
});

test('an idle runner is removable once seen idle twice, far enough apart, and old enough', () => {
  const settings = resolveSettings({ flavor: 'small', idleConfirmSeconds: 120, minRunnerAgeSeconds: 180 });
  const state = new ReconcilerState(settings, undefined);
  const idle = { name: 'small-1', state: 'idle' as const, createdAt: '2026-01-01T00:00:00.000Z' };
  state.recordFleet([idle], [], '2026-01-01T00:05:00.000Z');
  expect(state.confirmedIdle([idle])).toEqual([]);
  state.recordFleet([idle], [], '2026-01-01T00:06:00.000Z');
  expect(state.confirmedIdle([idle])).toEqual([]);
  state.recordFleet([idle], [], '2026-01-01T00:07:00.000Z');
  expect(state.confirmedIdle([idle])).toEqual([idle]);
  // Seen busy once: the run of idle sightings starts again.
  state.recordFleet([{ ...idle, state: 'busy' }], [], '2026-01-01T00:08:00.000Z');
  state.recordFleet([idle], [], '2026-01-01T00:09:00.000Z');
  expect(state.confirmedIdle([idle])).toEqual([]);
});

test("a run's first tick judges by a runner list begun after it; later ones share one up to an interval old", () => {
  const state = new ReconcilerState(resolveSettings({ flavor: 'small', cleanupIntervalSeconds: 300 }), undefined);
  expect(state.runnerListMaxAgeSeconds()).toBe(0);
  state.recordCleanupTickEnded();
  expect(state.runnerListMaxAgeSeconds()).toBe(300);
  // A next run (continue-as-new) starts over, carried state or not.
  const next = new ReconcilerState(resolveSettings({ flavor: 'small' }), state.takeCarriedForNextRun(0));
  expect(next.runnerListMaxAgeSeconds()).toBe(0);
});
