import { PressureModel } from '../../simulators/planner/pressure-model';
import { startPlannerSimulator, type PlannerSimulator } from '../../simulators/planner';
import { eventually, trackedRawStreams } from './support';

/**
 * The planner's pressure as observed: max(minimum_pressure, jobs not completed, assigned to the flavor
 * when queued, created in the last 5 days); a job fits a flavor whose labels contain its labels once
 * `self-hosted` and `linux` are dropped, ignoring case.
 */
const DAY = 24 * 60 * 60 * 1000;
let clock = 100 * DAY;
const model = () => new PressureModel(() => clock);

beforeEach(() => {
  clock = 100 * DAY;
});

test('counts queued and in-progress jobs; a completed one no longer counts', () => {
  const planner = model();
  planner.define('small', { labels: ['small'] });
  for (const id of [1, 2, 3]) planner.queueJob({ id, labels: ['self-hosted', 'linux', 'small'] });
  expect(planner.pressure('small')).toBe(3);
  planner.setJobStatus(1, 'in_progress');
  expect(planner.pressure('small')).toBe(3);
  planner.setJobStatus(1, 'completed');
  planner.setJobStatus(2, 'completed');
  expect(planner.pressure('small')).toBe(1);
  // A completed job stays completed: a late status for it changes nothing.
  planner.setJobStatus(1, 'in_progress');
  expect(planner.pressure('small')).toBe(1);
});

test('is at least minimum_pressure', () => {
  const planner = model();
  planner.define('small', { labels: ['small'], minimumPressure: 2 });
  planner.queueJob({ id: 1, labels: ['small'] });
  expect(planner.pressure('small')).toBe(2);
  for (const id of [2, 3]) planner.queueJob({ id, labels: ['small'] });
  expect(planner.pressure('small')).toBe(3);
});

test('counts only jobs created in the last 5 days', () => {
  const planner = model();
  planner.define('small', { labels: ['small'] });
  planner.queueJob({ id: 1, labels: ['small'], createdAt: clock - 5 * DAY - 1 });
  planner.queueJob({ id: 2, labels: ['small'], createdAt: clock - 5 * DAY });
  planner.queueJob({ id: 3, labels: ['small'] });
  expect(planner.pressure('small')).toBe(2);
  clock += DAY;
  expect(planner.pressure('small')).toBe(1);
});

test.each([
  ['the flavor labels alone', ['small'], 'small'],
  ['with self-hosted and linux', ['self-hosted', 'linux', 'small'], 'small'],
  ['in another case', ['Self-Hosted', 'LINUX', 'Small'], 'small'],
  ['a subset of the flavor labels', ['gpu'], 'large'],
  ['labels no flavor has', ['small', 'arm64'], undefined],
  ['a flavor label of another flavor', ['small', 'gpu'], undefined],
])('a job with %s (%j) goes to %s', (_name, labels, flavor) => {
  const planner = model();
  planner.define('small', { labels: ['small', 'x64'] });
  planner.define('large', { labels: ['large', 'GPU'] });
  expect(planner.queueJob({ id: 1, labels })).toBe(flavor);
  expect(planner.all()).toEqual({ small: flavor === 'small' ? 1 : 0, large: flavor === 'large' ? 1 : 0 });
});

test('a job is assigned when queued: a flavor defined later does not take it', () => {
  const planner = model();
  expect(planner.queueJob({ id: 1, labels: ['small'] })).toBeUndefined();
  planner.define('small', { labels: ['small'] });
  expect(planner.pressure('small')).toBe(0);
});

test('of several flavors that fit, the first defined takes the job', () => {
  const planner = model();
  planner.define('b', { labels: ['ci'] });
  planner.define('a', { labels: ['ci', 'big'] });
  expect(planner.queueJob({ id: 1, labels: ['ci'] })).toBe('b');
});

describe('in the simulator', () => {
  let sim: PlannerSimulator;
  const raws = trackedRawStreams();
  afterEach(async () => {
    raws.closeAll();
    await sim.close();
  });

  test('a queued job raises the stream at once and its completion lowers it', async () => {
    sim = await startPlannerSimulator({ resendIntervalMs: 3_600_000 });
    sim.defineFlavor('small', { labels: ['small'] });
    const small = raws.open(`${sim.url}/api/v1/flavors/small/pressure?stream=true`);
    await eventually(() => small.lines.length === 1, 'the first line');
    expect(sim.queueJob({ id: 7, labels: ['self-hosted', 'linux', 'small'] })).toBe('small');
    sim.setJobStatus(7, 'in_progress');
    sim.setJobStatus(7, 'completed');
    await eventually(() => small.lines.length === 3, 'a line per change');
    expect(small.lines).toEqual(['{"small":0}', '{"small":1}', '{"small":0}']);
  });
});
