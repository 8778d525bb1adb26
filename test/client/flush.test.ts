import { useFlavorHarness } from '../support/flavor-harness';
import { cliOf } from './support';

const harness = useFlavorHarness();
let cli: ReturnType<typeof cliOf>;
beforeAll(() => {
  cli = cliOf(harness);
});

/** Three runners, one busy; pressure back at 0 with no tick due, so only a flush removes any. */
async function flavorWithRunners() {
  const started = await harness.startFlavor({ cleanupIntervalSeconds: 3600 });
  harness.planner.set(started.flavor, 3);
  await harness.until(started.handle, (s) => s.currentRunners === 3 && s.operation === undefined);
  harness.planner.set(started.flavor, 0);
  await harness.until(started.handle, (s) => s.lastPressure === 0);
  const [busy] = started.fleet.setState('busy', 1);
  const idle = [...started.fleet.runners.keys()].filter((name) => name !== busy);
  return { ...started, busy, idle };
}

test('flush removes the idle runners at once and keeps the busy one', async () => {
  const { flavor, handle, fleet, busy, idle } = await flavorWithRunners();
  const result = await cli('flush', flavor);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toBe(
    `${flavor}: removed 2 runners: ${idle.join(', ')}\n${flavor}: kept 1 busy runner: ${busy}\n`,
  );
  expect([...fleet.runners.keys()]).toEqual([busy]);
  expect(await harness.state(handle)).toMatchObject({ currentRunners: 1, lastFlush: { deleted: idle } });
});

test('flush --busy removes every runner, busy ones too', async () => {
  const { flavor, handle, fleet, busy, idle } = await flavorWithRunners();
  const result = await cli('flush', flavor, '--busy');
  expect(result).toMatchObject({ code: 0, stdout: `${flavor}: removed 3 runners: ${[...idle, busy].join(', ')}\n` });
  expect(fleet.runners.size).toBe(0);
  expect(await harness.state(handle)).toMatchObject({ currentRunners: 0, lastFlush: { busy: true, keptBusy: [] } });
});

test('a flavor with no runners reports that nothing was removed', async () => {
  const { flavor, handle } = await harness.startFlavor({ mode: 'static', cleanupIntervalSeconds: 3600 });
  await harness.until(handle, (s) => s.lastCleanup !== undefined);
  expect(await cli('flush', flavor)).toMatchObject({ code: 0, stdout: `${flavor}: removed no runners\n` });
});
