import { forgettingDeletes, SharedRunnerList } from '../../activities/fleet/runner-list';
import type { GitHubRunnerClient } from '../../activities/github/client';
import { startGitHubSimulator, type GitHubSimulator } from '../../simulators/github';
import { clientOf } from '../github/harness';

/**
 * The worker's one GitHub runner list, over the real client and the GitHub simulator: 250 registrations,
 * three pages of 100, so one list read is three calls.
 */
let sim: GitHubSimulator;
let client: GitHubRunnerClient;
let clock: number;
const MINUTE = 60_000;
const listCalls = () => sim.stats.calls['GET /orgs/{org}/actions/runners'] ?? 0;
const newList = () => new SharedRunnerList(client, () => clock);

beforeAll(async () => {
  sim = await startGitHubSimulator();
  client = clientOf(sim);
  for (let i = 0; i < 250; i++) sim.addRunner({ name: `other-${i}`, status: 'online' });
});
afterAll(() => sim.close());
beforeEach(() => {
  clock = 1_000_000;
  sim.resetFaults();
});

test('callers at once share one read of every page', async () => {
  const list = newList();
  const before = listCalls();
  const snapshots = await Promise.all([list.get(5 * MINUTE), list.get(5 * MINUTE), list.get(MINUTE)]);
  expect(listCalls() - before).toBe(3);
  expect(snapshots.map((s) => s.runners.length)).toEqual([250, 250, 250]);
  expect(new Set(snapshots.map((s) => s.listedAt))).toEqual(new Set([clock]));
});

test('a list serves while it is young enough for the caller; an older one is read again', async () => {
  const list = newList();
  const first = await list.get(5 * MINUTE);
  const before = listCalls();
  clock += 4 * MINUTE;
  expect((await list.get(5 * MINUTE)).listedAt).toBe(first.listedAt);
  expect(listCalls() - before).toBe(0);
  // A caller that accepts two minutes gets a new list, and later callers share it.
  const second = await list.get(2 * MINUTE);
  expect(second.listedAt).toBe(clock);
  expect((await list.get(5 * MINUTE)).listedAt).toBe(clock);
  expect(listCalls() - before).toBe(3);
});

test('one read in flight at a time: callers that need a younger one share the next, begun after it', async () => {
  sim.faults.latencyMs = 50;
  const list = newList();
  const before = listCalls();
  const inFlight = list.get(5 * MINUTE);
  clock += 1;
  const fresh = await Promise.all([list.get(0), list.get(0), list.get(0)]);
  expect((await inFlight).listedAt).toBe(1_000_000);
  expect(fresh.map((s) => s.listedAt)).toEqual([clock, clock, clock]);
  expect(listCalls() - before).toBe(6);
  expect(sim.stats.maxInFlight).toBe(1);
});

test('a failed read is not kept: the next caller reads again', async () => {
  // A rate limit longer than the client waits fails the read at once.
  const list = new SharedRunnerList(clientOf(sim, { maxRateLimitWaitSeconds: 0 }), () => clock);
  sim.faults.rateLimit = { kind: 'primary', count: 1, retryAfterSeconds: 60 };
  await expect(list.get(5 * MINUTE)).rejects.toMatchObject({ name: 'GitHubRateLimitedError' });
  sim.resetFaults();
  expect((await list.get(5 * MINUTE)).runners).toHaveLength(250);
});

test("a registration this worker deleted leaves the lists begun before the delete, not GitHub's answer", async () => {
  const list = newList();
  const { runnerId } = await client.generateJitConfig({ name: 'gone-1', labels: ['x'] });
  const before = await list.get(5 * MINUTE);
  expect(before.runners.map((r) => r.name)).toContain('gone-1');
  const registry = forgettingDeletes(client, list);
  clock += 1;
  expect(await registry.deleteRunner(runnerId)).toBe('deleted');
  expect((await list.get(5 * MINUTE)).runners.map((r) => r.name)).not.toContain('gone-1');
  clock += 1;
  const after = await list.get(0);
  expect(after.runners.map((r) => r.name)).not.toContain('gone-1');
  expect(after.runners).toHaveLength(250);
});
