import { useFlavorHarness } from '../support/flavor-harness';

/**
 * A planner outage keeps the last pressure for `fallbackGraceSeconds` (the real planner's restarts last
 * a minute or two; before the grace, every outage that spanned a tick emptied the fleet), then desired
 * becomes `fallbackRunners`.
 */
const harness = useFlavorHarness();

test('an outage within its grace keeps the last pressure and deletes nothing across ticks', async () => {
  const { flavor, handle, fleet } = await harness.startFlavor({
    cleanupIntervalSeconds: 1,
    fallbackRunners: 0,
    fallbackGraceSeconds: 3600,
    streamBackoffInitialSeconds: 1,
    streamBackoffMaxSeconds: 1,
  });
  harness.planner.set(flavor, 2);
  await harness.until(handle, (s) => s.currentRunners === 2);
  harness.planner.refuse.set(flavor, 'transient');
  harness.planner.drop(flavor);
  const down = await harness.until(handle, (s) => s.stream?.outage !== undefined);
  const ticksAtOutage = down.totals.cleanupTicks;
  const during = await harness.until(
    handle,
    (s) => s.totals.cleanupTicks >= ticksAtOutage + 3 && (s.stream?.reconnects ?? 0) >= 2,
    'three ticks and two reconnects during the outage',
  );
  expect(during).toMatchObject({ mode: 'planner', desired: 2, currentRunners: 2 });
  expect(during.totals.deleted).toBe(0);
  expect(during.outage).toMatchObject({ desiredAfterGrace: 0, since: down.stream?.outage?.since });
  expect(during.outage?.graceLeftSeconds).toBeGreaterThan(3500);
  expect(fleet.runners.size).toBe(2);

  harness.planner.refuse.delete(flavor);
  const back = await harness.until(handle, (s) => s.stream?.connected === true);
  expect(back.stream?.lastError).toBeUndefined();
  expect(back.stream?.outage).toBeUndefined();
  expect(back.stream?.lastDisconnect).toMatchObject({
    since: down.stream?.outage?.since,
    error: expect.stringContaining('refused'),
  });
  expect(back.outage).toBeUndefined();
});

test('an outage that outlasts its grace falls back to fallbackRunners, and the next tick converges', async () => {
  const { flavor, handle, fleet } = await harness.startFlavor({
    cleanupIntervalSeconds: 1,
    fallbackRunners: 1,
    fallbackGraceSeconds: 2,
    streamBackoffInitialSeconds: 1,
    streamBackoffMaxSeconds: 1,
  });
  harness.planner.set(flavor, 3);
  await harness.until(handle, (s) => s.currentRunners === 3);
  harness.planner.refuse.set(flavor, 'transient');
  harness.planner.drop(flavor);
  const inGrace = await harness.until(handle, (s) => s.outage !== undefined);
  expect(inGrace).toMatchObject({ mode: 'planner', desired: 3, outage: { desiredAfterGrace: 1 } });
  const fallback = await harness.until(handle, (s) => s.mode === 'fallback' && s.currentRunners === 1);
  expect(fallback.desired).toBe(1);
  expect(fallback.outage).toBeUndefined();
  expect(fleet.runners.size).toBe(1);
});

test('fallbackGraceSeconds 0 falls back at the first failed connect, as before the grace', async () => {
  const { flavor, handle } = await harness.startFlavor({
    cleanupIntervalSeconds: 3600,
    fallbackRunners: 4,
    fallbackGraceSeconds: 0,
    streamBackoffInitialSeconds: 1,
  });
  harness.planner.refuse.set(flavor, 'transient');
  const state = await harness.until(handle, (s) => s.stream?.lastError !== undefined);
  expect(state).toMatchObject({ mode: 'fallback', desired: 4 });
});
