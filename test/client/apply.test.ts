import { WorkflowNotFoundError } from '@temporalio/client';
import { flavorWorkflowId } from '../../contracts/flavor-workflow';
import { useFlavorHarness } from '../support/flavor-harness';
import { uniqueName } from '../support/temporal';
import { cliOf, writeFlavorsFile } from './support';

const harness = useFlavorHarness();
let cli: ReturnType<typeof cliOf>;
beforeAll(() => {
  cli = cliOf(harness);
});

/** Fresh flavor names, whose workflows the harness terminates at the end. */
function newFlavors(count: number): string[] {
  return Array.from({ length: count }, () => {
    const flavor = uniqueName('f');
    harness.handles.push(harness.client.getHandle(flavorWorkflowId(flavor)));
    return flavor;
  });
}

const handleOf = (flavor: string) => harness.client.getHandle(flavorWorkflowId(flavor));
const base = { mode: 'static', minRunners: 1, maxRunners: 4, cleanupIntervalSeconds: 3600, image: 'ubuntu-24.04' };

test('apply starts every flavor; applying the same file again changes nothing', async () => {
  const [small, large] = newFlavors(2);
  const file = writeFlavorsFile({ [small]: base, [large]: { ...base, maxRunners: 8 } });

  const first = await cli('apply', file);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout).toBe(`${small}: started\n${large}: started\n`);
  const runIds = await Promise.all([small, large].map(async (flavor) => (await handleOf(flavor).describe()).runId));
  const state = await harness.until(handleOf(large), (s) => s.currentRunners === 1);
  expect(state).toMatchObject({ mode: 'static', maxRunners: 8 });

  const second = await cli('apply', file);
  expect(second).toMatchObject({ code: 0, stdout: `${small}: unchanged\n${large}: unchanged\n` });
  for (const [index, flavor] of [small, large].entries()) {
    expect((await handleOf(flavor).describe()).runId).toBe(runIds[index]);
  }
});

test('apply after editing a field reports that field, and the new run uses it', async () => {
  const [small, large] = newFlavors(2);
  expect((await cli('apply', writeFlavorsFile({ [small]: base, [large]: base }))).code).toBe(0);
  const before = await harness.until(handleOf(small), (s) => s.currentRunners === 1);
  const { runId } = await handleOf(small).describe();

  const edited = await cli('apply', writeFlavorsFile({ [small]: { ...base, maxRunners: 6 }, [large]: base }));
  expect(edited).toMatchObject({ code: 0, stdout: `${small}: updated maxRunners\n${large}: unchanged\n` });
  const after = await harness.until(handleOf(small), (s) => s.maxRunners === 6, 'the new run');
  expect((await handleOf(small).describe()).runId).not.toBe(runId);
  // Continue-as-new carried the state over.
  expect(after).toMatchObject({ currentRunners: 1, runs: before.runs + 1 });
});

test('a flavor whose workflow has ended is started again', async () => {
  const [flavor] = newFlavors(1);
  const file = writeFlavorsFile({ [flavor]: base });
  expect((await cli('apply', file)).code).toBe(0);
  await handleOf(flavor).terminate('test: an ended flavor');
  expect(await cli('apply', file)).toMatchObject({ code: 0, stdout: `${flavor}: started\n` });
  expect((await handleOf(flavor).describe()).status.name).toBe('RUNNING');
});

test('an invalid file changes nothing and exits 1 with the file error', async () => {
  const [running, added] = newFlavors(2);
  expect((await cli('apply', writeFlavorsFile({ [running]: base }))).code).toBe(0);
  const { runId } = await handleOf(running).describe();

  const file = writeFlavorsFile({ [running]: { ...base, maxRunners: 9 }, [added]: { ...base, minRunners: -1 } });
  const result = await cli('apply', file);
  expect(result).toMatchObject({ code: 1, stdout: '' });
  expect(result.stderr).toContain(`${file} is invalid`);
  expect(result.stderr).toContain(`flavors.${added}: minRunners must be an integer ≥ 0, got -1`);
  expect((await handleOf(running).describe()).runId).toBe(runId);
  expect((await harness.state(handleOf(running))).maxRunners).toBe(4);
  await expect(handleOf(added).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
});

test('a file that cannot be read exits 1 naming it', async () => {
  const result = await cli('apply', '/nonexistent/flavors.yaml');
  expect(result).toMatchObject({ code: 1, stdout: '' });
  expect(result.stderr).toContain('cannot read flavors file /nonexistent/flavors.yaml');
});

test('settings the running workflow refuses are printed with its reason, exit 1; the other flavors apply', async () => {
  const [renamed, edited] = newFlavors(2);
  expect((await cli('apply', writeFlavorsFile({ [renamed]: base, [edited]: base }))).code).toBe(0);
  const { runId } = await handleOf(renamed).describe();

  const file = writeFlavorsFile({
    [renamed]: { ...base, runnerNamePrefix: 'other' },
    [edited]: { ...base, minRunners: 2 },
  });
  const result = await cli('apply', file);
  expect(result.code).toBe(1);
  expect(result.stdout).toBe(
    `${renamed}: rejected: invalid flavor settings: runnerNamePrefix of a running flavor cannot change: stop the flavor first\n` +
      `${edited}: updated minRunners\n`,
  );
  expect((await handleOf(renamed).describe()).runId).toBe(runId);
  await harness.until(handleOf(edited), (s) => s.minRunners === 2 && s.currentRunners === 2, 'the edited flavor');
});
