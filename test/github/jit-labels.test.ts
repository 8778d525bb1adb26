import { online, spec, startFleet, type FleetHarness } from '../fleet/support';

/**
 * The fleet's registrations against the simulated GitHub, which like GitHub gives a JIT runner only the
 * labels its request names: the runner must ask for self-hosted, linux and its architecture itself, or a
 * job asking for them is routed to the flavor and never taken.
 */
let harness: FleetHarness;
beforeAll(async () => {
  harness = await startFleet();
});
afterAll(() => harness?.close());

test('a created runner registers self-hosted, linux and its architecture, then its flavor’s labels, once each', async () => {
  const { cloud, fleet } = harness;
  const arm = { ...spec, labels: ['Linux', 'small', 'SMALL'], architecture: 'arm64' };
  expect(await fleet.createRunners({ spec: arm, names: ['small-1'] })).toEqual({ created: ['small-1'], failed: [] });
  const [runner] = cloud.github.runners();
  expect(runner.labels).toEqual(['self-hosted', 'linux', 'arm64', 'small']);

  await online(cloud, ['small-1']);
  const { id } = cloud.github.queueJob({ labels: ['self-hosted', 'Linux', 'ARM64', 'small'] });
  expect(cloud.github.jobs().find((job) => job.id === id)).toMatchObject({
    status: 'in_progress',
    runnerName: 'small-1',
  });
});
