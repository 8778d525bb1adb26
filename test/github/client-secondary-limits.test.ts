import type { GitHubRunnerClient } from '../../activities/github/client';
import { startGitHubSimulator, type GitHubSimulator } from '../../simulators/github';
import { clientOf } from './harness';

/**
 * The client within GitHub's secondary limits, against the simulator modelling them. The window is
 * shortened to two seconds on both sides (the same points per window as GitHub's minute would take
 * far too long); the arithmetic is the same: a JIT registration costs 5 of the endpoint's points.
 */
const budget = { points: 100, windowSeconds: 2 };
const perWindow = budget.points / 5;
let sim: GitHubSimulator;
let warnings: string[];

beforeEach(async () => {
  sim = await startGitHubSimulator({ secondaryLimits: { endpointPoints: budget } });
  sim.faults.latencyMs = 20;
  warnings = [];
});
afterEach(() => sim.close());

const burst = (client: GitHubRunnerClient, count: number, prefix: string) =>
  Promise.all(
    Array.from({ length: count }, (_, i) => client.generateJitConfig({ name: `${prefix}-${i}`, labels: ['x'] })),
  );

test('a burst of creates beyond one window’s budget is spread within it: every one registered, none refused', async () => {
  const client = clientOf(sim, { endpointBudget: budget }, warnings);
  const registrations = await burst(client, perWindow * 2 + 5, 'spread');
  expect(new Set(registrations.map((registration) => registration.runnerId)).size).toBe(perWindow * 2 + 5);
  expect(sim.stats.secondaryLimited).toEqual({ concurrency: 0, points: 0, contentCreation: 0 });
  expect(sim.stats.maxInFlight).toBeLessThanOrEqual(10);
  expect(warnings).toEqual([]);
});

test('a request held up between its start and its arrival does not share GitHub’s window with the next', async () => {
  const client = clientOf(sim, { endpointBudget: budget }, warnings);
  const sending = burst(client, perWindow * 2, 'held-up');
  // The first window's requests have started (taken their budget), not yet reached GitHub: the event
  // loop is then held, as on a loaded machine, so that they arrive 1.5 s after they started.
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  const until = Date.now() + 1500;
  while (Date.now() < until);
  await sending;
  expect(sim.stats.secondaryLimited.points).toBe(0);
});

test('without the budget the same burst is refused by the limit, and each refusal is waited out as before', async () => {
  // A wider window here: on a loaded machine a burst can take longer than two seconds to send, and then
  // no request would be over the budget of the window it lands in.
  sim.secondaryLimits.endpointPoints = { ...budget, windowSeconds: 5 };
  const careless = clientOf(sim, { endpointBudget: { points: 100_000, windowSeconds: 5 } }, warnings);
  const registrations = await burst(careless, perWindow + 5, 'careless');
  expect(registrations).toHaveLength(perWindow + 5);
  expect(sim.stats.secondaryLimited.points).toBeGreaterThanOrEqual(5);
  expect(warnings).toContainEqual(expect.stringMatching(/secondary rate limit on POST .*retrying in [1-5]s/));
});

test('clients of one credential share its budget; another endpoint keeps its own', async () => {
  const first = clientOf(sim, { endpointBudget: budget }, warnings);
  const second = clientOf(sim, { endpointBudget: budget }, warnings);
  const registrations = () => sim.stats.calls['POST /orgs/{org}/actions/runners/generate-jitconfig'] ?? 0;
  let registrationsWhenListed = 0;
  await Promise.all([
    burst(first, perWindow, 'first'),
    burst(second, perWindow, 'second'),
    // Sent once the creates have taken the first window: it does not wait for the next window, as the
    // second client's creates do (it shares the credential's 10 requests in flight with them, no more).
    new Promise((resolve) => setImmediate(resolve))
      .then(() => first.listRunners())
      .then(() => (registrationsWhenListed = registrations())),
  ]);
  expect(registrationsWhenListed).toBeLessThanOrEqual(perWindow);
  expect(registrations()).toBe(perWindow * 2);
  expect(sim.stats.secondaryLimited.points).toBe(0);
  expect(warnings).toEqual([]);
});

test('a budget that cannot hold one POST is refused at once', () => {
  expect(() => clientOf(sim, { endpointBudget: { points: 4, windowSeconds: 60 } })).toThrow(/endpointBudget/);
});
