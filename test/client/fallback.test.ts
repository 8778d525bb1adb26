import { useFlavorHarness } from '../support/flavor-harness';
import { cliOf } from './support';

const harness = useFlavorHarness();
let cli: ReturnType<typeof cliOf>;
beforeAll(() => {
  cli = cliOf(harness);
});

test('fallback sets the count through the validated update', async () => {
  const { flavor, handle } = await harness.startFlavor({ maxRunners: 5, cleanupIntervalSeconds: 3600 });
  const result = await cli('fallback', flavor, '3');
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toMatch(new RegExp(`^${flavor}: fallbackRunners 3 `));
  // The update answered after applying it: no wait needed.
  expect((await harness.state(handle)).fallbackRunners).toBe(3);
});

test("a value the workflow refuses is printed with the workflow's reason, exit 1, and changes nothing", async () => {
  const { flavor, handle } = await harness.startFlavor({ maxRunners: 5, fallbackRunners: 2 });
  const result = await cli('fallback', flavor, '9');
  expect(result).toMatchObject({ code: 1, stdout: `${flavor}: rejected: fallbackRunners 9 is above maxRunners 5\n` });
  expect((await harness.state(handle)).fallbackRunners).toBe(2);
});
