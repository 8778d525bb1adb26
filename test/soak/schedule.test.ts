import { buildSchedule, countByKind, FAULT_KINDS, type ScheduleOptions } from '../../bench/soak/schedule';

const options = (overrides: Partial<ScheduleOptions> = {}): ScheduleOptions => ({
  seed: 42,
  durationMs: 10 * 60_000,
  flavors: ['soak-a', 'soak-b'],
  maxPressure: 6,
  warmupMs: 10_000,
  tailMs: 45_000,
  idleConfirmSeconds: 20,
  workers: 2,
  ...overrides,
});

const allKinds = ['pressure', 'job', ...Object.values(FAULT_KINDS).flat()];

describe('the soak schedule', () => {
  test('the same seed gives the same schedule; another seed another', () => {
    expect(buildSchedule(options())).toEqual(buildSchedule(options()));
    expect(buildSchedule(options({ seed: 43 }))).not.toEqual(buildSchedule(options()));
  });

  test.each([1, 42, 1234])('seed %i: ten minutes hold every kind of event', (seed) => {
    const counts = countByKind(buildSchedule(options({ seed })));
    expect(Object.keys(counts).sort()).toEqual([...allKinds].sort());
  });

  test.each([7, 42])('seed %i: two minutes still hold every fault channel', (seed) => {
    const events = buildSchedule(options({ seed, durationMs: 2 * 60_000 }));
    expect(new Set(events.map((event) => event.channel))).toEqual(
      new Set(['pressure', 'jobs', ...Object.keys(FAULT_KINDS)]),
    );
  });

  test('events are in time order, after the warm-up, and every window closes before the quiet tail', () => {
    const o = options();
    const events = buildSchedule(o);
    expect(events.map((event) => event.at)).toEqual([...events.map((event) => event.at)].sort((a, b) => a - b));
    for (const event of events) {
      expect(event.at).toBeGreaterThanOrEqual(o.warmupMs);
      expect(event.at).toBeLessThan(o.durationMs - o.tailMs);
      // Jobs may run on into the tail: the soak ends them when it begins.
      if (event.channel !== 'jobs') expect(event.at + event.durationMs).toBeLessThanOrEqual(o.durationMs - o.tailMs);
    }
  });

  test('the windows of one fault channel never overlap: a simulator holds one fault at a time', () => {
    const events = buildSchedule(options());
    for (const channel of Object.keys(FAULT_KINDS)) {
      const windows = events.filter((event) => event.channel === channel);
      windows
        .slice(1)
        .forEach((event, i) => expect(event.at).toBeGreaterThanOrEqual(windows[i].at + windows[i].durationMs));
    }
  });

  test('values stay in range: pressures, rates, a lag well below the confirmation window, workers', () => {
    for (const event of buildSchedule(options())) {
      if (event.kind === 'pressure') expect(event.value).toBeGreaterThanOrEqual(0);
      if (event.kind === 'pressure') expect(event.value).toBeLessThanOrEqual(6 + 2);
      if (/5xx|429|lost-answers/.test(event.kind)) expect(event.value).toBeGreaterThan(0);
      if (/5xx|429|lost-answers/.test(event.kind)) expect(event.value).toBeLessThan(1);
      if (event.kind === 'github-busy-lag') expect(event.value).toBeLessThanOrEqual(20_000 / 2.5);
      if (event.worker !== undefined) expect([0, 1]).toContain(event.worker);
    }
    const pressures = buildSchedule(options()).filter((event) => event.kind === 'pressure');
    // Walks, bursts past the cap and drops to zero all happen.
    expect(pressures.some((event) => event.value === 0)).toBe(true);
    expect(pressures.some((event) => (event.value ?? 0) > 6)).toBe(true);
  });

  test('bad options are refused with the reason', () => {
    expect(() => buildSchedule(options({ seed: 1.5 }))).toThrow(/seed must be an integer/);
    expect(() => buildSchedule(options({ flavors: [] }))).toThrow(/at least one flavor/);
    expect(() => buildSchedule(options({ durationMs: 50_000 }))).toThrow(/leave no time/);
  });
});
