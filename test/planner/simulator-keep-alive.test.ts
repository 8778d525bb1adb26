import { startPlannerSimulator, type PlannerSimulator, type PlannerSimulatorOptions } from '../../simulators/planner';
import { eventually, trackedRawStreams } from './support';

/**
 * The planner simulator's keep-alives, read raw off the wire. By default they are the real planner's:
 * one process-wide ticker, one stream per tick, round robin; a tick with no stream open is held for the
 * next stream, whose first line then comes twice. The old per-stream ticker is an option.
 */
const TOKEN = 'keep-alive-token';
let sim: PlannerSimulator | undefined;
const raws = trackedRawStreams();

async function start(options: PlannerSimulatorOptions): Promise<PlannerSimulator> {
  sim = await startPlannerSimulator({ token: TOKEN, ...options });
  return sim;
}

afterEach(async () => {
  raws.closeAll();
  await sim?.close();
  sim = undefined;
});

const streamUrl = (planner: PlannerSimulator, flavor: string) =>
  `${planner.url}/api/v1/flavors/${flavor}/pressure?stream=true`;

/** Keep-alives each stream record got so far, in connection order. */
const keepAlives = (planner: PlannerSimulator) => planner.stats.streams.map((record) => record.keepAlives);

test('the shared ticker writes one stream per tick, round robin over every flavor', async () => {
  const planner = await start({ resendIntervalMs: 20 });
  planner.setPressure('small', 1);
  planner.setPressure('large', 2);
  const streams = [raws.open(streamUrl(planner, 'small'), TOKEN), raws.open(streamUrl(planner, 'small'), TOKEN)];
  streams.push(raws.open(streamUrl(planner, 'large'), TOKEN));
  await eventually(() => streams.every((raw) => raw.lines.length >= 1), 'every first line');
  // Two snapshots taken in one turn of the event loop each: the ticks between them and what each stream got.
  const before = { ticks: planner.stats.ticks, each: keepAlives(planner) };
  await eventually(() => planner.stats.ticks >= before.ticks + 30, 'thirty more ticks');
  const after = { ticks: planner.stats.ticks, each: keepAlives(planner) };
  const got = after.each.map((n, i) => n - before.each[i]);
  expect(got.reduce((sum, n) => sum + n, 0)).toBe(after.ticks - before.ticks);
  expect(Math.max(...got) - Math.min(...got)).toBeLessThanOrEqual(1);
  expect(streams[2].lines.every((line) => line === '{"large":2}')).toBe(true);
});

test('a tick with no stream open is held: the next stream gets its first line twice, the one after it once', async () => {
  const planner = await start({ resendIntervalMs: 50 });
  planner.setPressure('small', 3);
  await eventually(() => planner.stats.ticks >= 2, 'two ticks with no stream open');
  const first = raws.open(streamUrl(planner, 'small'), TOKEN);
  await eventually(() => first.lines.length >= 2, 'two lines');
  expect(first.lines.slice(0, 2)).toEqual(['{"small":3}', '{"small":3}']);
  const [record] = planner.stats.streams;
  expect(record).toMatchObject({ heldTick: true });
  const second = raws.open(streamUrl(planner, 'small'), TOKEN);
  await eventually(() => second.lines.length >= 1, 'its first line');
  expect(planner.stats.streams[1].heldTick).toBeUndefined();
});

test('a stream that connects while others are open waits its turn for a keep-alive', async () => {
  const planner = await start({ resendIntervalMs: 30 });
  planner.setPressure('small', 1);
  const early = Array.from({ length: 4 }, () => raws.open(streamUrl(planner, 'small'), TOKEN));
  await eventually(() => early.every((raw) => raw.lines.length >= 1), 'the early streams');
  const ticksBefore = planner.stats.ticks;
  raws.open(streamUrl(planner, 'small'), TOKEN);
  await eventually(() => planner.stats.streams.length === 5, 'the late stream');
  await eventually(() => planner.stats.ticks >= ticksBefore + 10, 'ten more ticks');
  // Ten ticks over five streams: two each at most, where a per-stream ticker would have given ten.
  expect(planner.stats.streams[4].keepAlives).toBeLessThanOrEqual(3);
});

test("the per-stream ticker (the simulator's old mode, an option) writes every stream on every tick", async () => {
  const planner = await start({ resendIntervalMs: 20, keepAlive: 'per-stream' });
  planner.setPressure('small', 1);
  const streams = Array.from({ length: 3 }, () => raws.open(streamUrl(planner, 'small'), TOKEN));
  await eventually(() => streams.every((raw) => raw.lines.length >= 1), 'every first line');
  const before = { ticks: planner.stats.ticks, each: keepAlives(planner) };
  await eventually(() => planner.stats.ticks >= before.ticks + 10, 'ten more ticks');
  const after = { ticks: planner.stats.ticks, each: keepAlives(planner) };
  for (const [i, n] of after.each.entries()) expect(n - before.each[i]).toBe(after.ticks - before.ticks);
});
