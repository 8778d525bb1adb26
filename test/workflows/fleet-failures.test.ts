import { FleetFailure } from '../../contracts/activities';
import { useFlavorHarness } from '../support/flavor-harness';
import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/**
 * The workflow's failure paths through the real fleet: Nova and GitHub (in memory, at the fleet's
 * ports) fail as the real clients do, the fleet throws, the failure mapping types the failure, and the
 * workflow records it and recovers at the next tick.
 */
const harness = useFlavorHarness();

/** The failure types of the local activities (creates) the history recorded as failed, in order. */
async function createFailureTypes(handle: WorkflowHandle): Promise<string[]> {
  const typeOf = (failure: temporal.api.failure.v1.IFailure | null | undefined): string[] =>
    failure ? [failure.applicationFailureInfo?.type ?? '', ...typeOf(failure.cause)].filter(Boolean) : [];
  const events = (await handle.fetchHistory()).events ?? [];
  return events.flatMap((event) => typeOf(event.markerRecordedEventAttributes?.failure));
}

test('Nova down on create: the create is retried by its policy, then creation pauses; Nova back, the next tick makes the runners', async () => {
  const { flavor, handle, fleet } = await harness.startFlavor({ cleanupIntervalSeconds: 2 });
  await harness.until(handle, (s) => s.lastCleanup !== undefined, 'the first tick');
  fleet.compute.down = true;
  harness.planner.set(flavor, 2);
  const paused = await harness.until(handle, (s) => s.creationPaused, 'creation paused');
  expect(paused).toMatchObject({ currentRunners: 0, totals: { createFailures: 2 } });
  // Three attempts of the create's retry policy, each for both runners; none made a VM.
  expect(fleet.callsOf('create').map((call) => call.count)).toEqual([2, 2, 2]);
  expect(fleet.compute.servers.size).toBe(0);
  // Whether a VM was made behind the outage is unknown: the registrations stay for a retry to find it.
  expect(fleet.registry.runners.size).toBe(2);
  expect(await createFailureTypes(handle)).toEqual([FleetFailure.createFailed]);

  fleet.compute.down = false;
  const mended = await harness.until(handle, (s) => s.lastCleanup?.created === 2, 'the tick that made the runners');
  // That tick removed the registrations no VM came of, then made the runners anew.
  expect(mended.lastCleanup?.removed.map(({ reason }) => reason)).toEqual([
    'registration_without_vm',
    'registration_without_vm',
  ]);
  expect(mended).toMatchObject({ currentRunners: 2, creationPaused: false });
  expect(fleet.compute.servers.size).toBe(2);
  expect([...fleet.runners.values()]).toEqual(['idle', 'idle']);
});

test('a revoked GitHub token fails the create once as GitHubUnauthorized: no retry burnt, creation paused', async () => {
  const { flavor, handle, fleet } = await harness.startFlavor({ cleanupIntervalSeconds: 3600 });
  await harness.until(handle, (s) => s.lastCleanup !== undefined, 'the first tick');
  fleet.registry.failWith = 401;
  harness.planner.set(flavor, 3);
  const paused = await harness.until(handle, (s) => s.creationPaused, 'creation paused');
  expect(paused).toMatchObject({ currentRunners: 0, totals: { createFailures: 3 } });
  expect(fleet.callsOf('create')).toHaveLength(1);
  expect(fleet.compute.servers.size).toBe(0);
  expect(await createFailureTypes(handle)).toEqual([FleetFailure.githubUnauthorized]);
});
