import { useFlavorHarness } from '../support/flavor-harness';
import { eventually } from '../support/wait';
import { windowOpeningIn } from '../support/schedule-window';
import { cliOf } from './support';

const harness = useFlavorHarness();
let cli: ReturnType<typeof cliOf>;
beforeAll(() => {
  cli = cliOf(harness);
});

const noTicks = { cleanupIntervalSeconds: 3600 };
const iso = (ms: number) => new Date(ms).toISOString();

/** The status table as rows of cells (columns are separated by at least two spaces). */
const cells = (table: string) =>
  table
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/ {2,}/));

test('status shows every running flavor of the task queue as a table, or as JSON', async () => {
  const planner = await harness.startFlavor({ ...noTicks, maxRunners: 5 });
  harness.planner.set(planner.flavor, 2);
  const downFlavor = await harness.startFlavor({
    ...noTicks,
    fallbackRunners: 1,
    fallbackGraceSeconds: 0,
    streamBackoffInitialSeconds: 30,
  });
  // Refused from now on; a stream that connected already is dropped: down either way, retry in 30 s.
  harness.planner.refuse.set(downFlavor.flavor, 'transient');
  harness.planner.drop(downFlavor.flavor);
  const staticFlavor = await harness.startFlavor({ ...noTicks, mode: 'static', minRunners: 1 });
  const flavors = [planner, downFlavor, staticFlavor];
  await harness.until(planner.handle, (s) => s.currentRunners === 2 && s.operation === undefined);
  await harness.until(downFlavor.handle, (s) => s.currentRunners === 1 && s.stream?.retryInSeconds !== undefined);
  await harness.until(staticFlavor.handle, (s) => s.currentRunners === 1 && s.operation === undefined);
  // `status` lists through visibility, which follows a start by a moment.
  const query = `TaskQueue = '${harness.taskQueue}' AND ExecutionStatus = 'Running'`;
  await eventually(
    async () => (await harness.env.client.workflow.count(query)).count,
    (count) => count === flavors.length,
    { what: 'the flavors in visibility' },
  );

  const table = await cli('status');
  expect(table).toMatchObject({ code: 0, stderr: '' });
  const [header, ...rows] = cells(table.stdout);
  expect(header).toEqual([
    'flavor',
    'mode',
    'pressure',
    'desired',
    'current',
    'paused',
    'stream',
    'queue',
    'last cleanup',
    'schedule',
  ]);
  const rowOf = (flavor: string) => rows.find((row) => row[0] === flavor);
  expect(rows).toHaveLength(3);
  expect(rowOf(planner.flavor)).toEqual([
    planner.flavor,
    'planner',
    '2',
    '2',
    '2',
    'no',
    'connected',
    '-',
    expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
    '-',
  ]);
  expect(rowOf(downFlavor.flavor)?.slice(0, 7)).toEqual([
    downFlavor.flavor,
    'fallback',
    '-',
    '1',
    '1',
    'no',
    'down, retry in 30s',
  ]);
  expect(rowOf(staticFlavor.flavor)?.slice(0, 8)).toEqual([
    staticFlavor.flavor,
    'static',
    '-',
    '1',
    '1',
    'no',
    '-',
    '-',
  ]);

  const json = await cli('status', '--json');
  expect(json.code).toBe(0);
  const states = JSON.parse(json.stdout);
  const expected = await Promise.all(flavors.map(({ handle }) => harness.state(handle)));
  expect(states).toEqual(expect.arrayContaining(expected));
  expect(states).toHaveLength(3);
});

test('status of one flavor shows its row; with --json its state', async () => {
  const { flavor, handle } = await harness.startFlavor({ ...noTicks, mode: 'static', minRunners: 2 });
  const state = await harness.until(handle, (s) => s.currentRunners === 2 && s.operation === undefined);

  const table = await cli('status', flavor);
  expect(table.code).toBe(0);
  expect(cells(table.stdout)[1].slice(0, 5)).toEqual([flavor, 'static', '-', '2', '2']);
  const json = await cli('status', flavor, '--json');
  expect(JSON.parse(json.stdout)).toEqual(state);
});

test('status shows the schedule window in force and the next change', async () => {
  const { window, opensAt, closesAt } = windowOpeningIn(2, 3600, 1, 'America/New_York');
  const { flavor, handle } = await harness.startFlavor({ ...noTicks, mode: 'static', schedules: [window] });
  const waiting = await harness.until(handle, (s) => s.schedule !== undefined);
  expect(waiting.schedule).toEqual({ inForce: [], minRunners: 0, maxRunners: 0, nextChangeAt: iso(opensAt) });
  await harness.until(handle, (s) => s.currentRunners === 1 && s.operation === undefined);

  const table = await cli('status', flavor);
  expect(table.code).toBe(0);
  const shown = iso(closesAt).replace('T', ' ').replace('.000Z', 'Z');
  expect(cells(table.stdout)[1].at(-1)).toBe(`warm: min 1; next change ${shown}`);
  const json = JSON.parse((await cli('status', flavor, '--json')).stdout);
  expect(json.schedule).toEqual({
    inForce: [{ name: 'warm', until: iso(closesAt), minRunners: 1 }],
    minRunners: 1,
    maxRunners: 0,
    nextChangeAt: iso(closesAt),
  });
});
