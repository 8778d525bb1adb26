import { useFlavorHarness } from '../support/flavor-harness';
import { eventually } from '../support/wait';
import { cliOf, harnessFlags, startCli } from './support';

const harness = useFlavorHarness();
let cli: ReturnType<typeof cliOf>;
beforeAll(() => {
  cli = cliOf(harness);
});

test('stop ends the workflow as cancelled and prints the runners it removed', async () => {
  const { flavor, handle, fleet } = await harness.startFlavor({ mode: 'static', minRunners: 2 });
  await harness.until(handle, (s) => s.currentRunners === 2 && s.operation === undefined);
  const runners = [...fleet.runners.keys()];

  const result = await cli('stop', flavor);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toBe(
    `${flavor}: removed 2 runners: ${runners.join(', ')}\n${flavor}: stopped, 2 runners removed\n`,
  );
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  expect(fleet.runners.size).toBe(0);
  expect(await cli('stop', flavor)).toMatchObject({ code: 1, stderr: `no running workflow for flavor "${flavor}"\n` });
});

test('stop waits for a busy runner, saying so, and ends once its job is done', async () => {
  const { flavor, handle, fleet } = await harness.startFlavor({
    mode: 'static',
    minRunners: 2,
    cleanupIntervalSeconds: 1,
  });
  await harness.until(handle, (s) => s.currentRunners === 2 && s.operation === undefined);
  const [busy] = fleet.setState('busy', 1);

  const stopping = startCli(['stop', flavor, ...harnessFlags(harness)]);
  await eventually(
    async () => stopping.stdout(),
    (stdout) => stdout.includes('waiting for'),
    { what: 'the stop waiting for the busy runner' },
  );
  fleet.setState('idle', [busy]);
  const result = await stopping.done;
  expect(result).toMatchObject({ code: 0, stderr: '' });
  // The drain flushes every second: the poll may miss the first flush's line, never the total.
  expect(result.stdout).toContain(`${flavor}: waiting for 1 busy runner: ${busy}\n`);
  expect(result.stdout).toMatch(
    new RegExp(`${flavor}: removed 1 runner: ${busy}\n${flavor}: stopped, 2 runners removed\n$`),
  );
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  expect(fleet.runners.size).toBe(0);
});
