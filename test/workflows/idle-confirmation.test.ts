import { flushUpdate } from '../../contracts/definitions';
import { useFlavorHarness } from '../support/flavor-harness';

/**
 * Never kill a job that has just started: GitHub's busy flag lags, so an idle runner goes only once seen
 * idle in two lists `idleConfirmSeconds` apart, with no busy sighting between (policy/idle-confirmation.ts).
 */
const harness = useFlavorHarness();
const rule = { idleConfirmSeconds: 3, minRunnerAgeSeconds: 0 };

test('a runner idle again after a job is kept until its idleness is confirmed, then the scale-down goes on', async () => {
  const { flavor, handle, fleet } = await harness.startFlavor({ ...rule, cleanupIntervalSeconds: 1 });
  harness.planner.set(flavor, 2);
  await harness.until(handle, (s) => s.currentRunners === 2);
  const names = fleet.setState('busy', 2);
  harness.planner.set(flavor, 0);
  const seenBusy = await harness.until(handle, (s) => s.desired === 0);
  await harness.until(handle, (s) => s.totals.cleanupTicks > seenBusy.totals.cleanupTicks, 'a tick seeing them busy');
  fleet.setState('idle', 2);

  const kept = await harness.until(
    handle,
    (s) => (s.lastCleanup?.unconfirmedIdle?.length ?? 0) === 2,
    'kept unconfirmed',
  );
  expect(kept.lastCleanup?.deleted).toEqual([]);
  expect(kept.totals.deleted).toBe(0);
  expect([...fleet.runners.keys()].sort()).toEqual([...names].sort());

  const gone = await harness.until(handle, (s) => s.currentRunners === 0, 'the scale-down after confirmation');
  expect(gone.totals.deleted).toBe(2);
});

test('flush without --busy keeps runners whose idleness is unconfirmed; flush --busy takes them too', async () => {
  const { flavor, handle, fleet } = await harness.startFlavor({
    ...rule,
    idleConfirmSeconds: 3600,
    cleanupIntervalSeconds: 3600,
  });
  harness.planner.set(flavor, 2);
  await harness.until(handle, (s) => s.currentRunners === 2);

  const soft = await handle.executeUpdate(flushUpdate, { args: [{}] });
  expect(soft.deleted).toEqual([]);
  expect(fleet.runners.size).toBe(2);

  const hard = await handle.executeUpdate(flushUpdate, { args: [{ busy: true }] });
  expect(hard.deleted).toHaveLength(2);
});
