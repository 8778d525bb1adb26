import {
  noSecondaryLimits,
  startGitHubSimulator,
  type GitHubSimulator,
  type SecondaryLimits,
} from '../../simulators/github';

/** GitHub's secondary rate limits as the simulator models them, seen with plain fetch. */
const jitRoute = 'POST /orgs/{org}/actions/runners/generate-jitconfig';
let sim: GitHubSimulator;
let serial = 0;

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${sim.url}${path}`, { ...init, headers: { authorization: `token ${sim.token}`, ...init.headers } });
const register = () =>
  api('/orgs/acme/actions/runners/generate-jitconfig', {
    method: 'POST',
    body: JSON.stringify({ name: `limit-${(serial += 1)}`, runner_group_id: 1, labels: ['x'] }),
  });
/** Sends `count` requests one after another; answers their statuses and the last answer. */
async function inTurn(count: number, send: () => Promise<Response>): Promise<{ statuses: number[]; last: Response }> {
  const statuses: number[] = [];
  let last: Response | undefined;
  for (let i = 0; i < count; i += 1) {
    last = await send();
    statuses.push(last.status);
    if (i < count - 1) await last.arrayBuffer();
  }
  return { statuses, last: last as Response };
}

beforeEach(async () => {
  sim = await startGitHubSimulator();
});
afterEach(() => sim.close());

test('by default GitHub’s own figures: 100 concurrent, 900 points a minute per endpoint, no content limit on JIT', () => {
  expect(sim.secondaryLimits).toEqual<SecondaryLimits>({
    concurrentRequests: 100,
    endpointPoints: { points: 900, windowSeconds: 60 },
    contentCreation: [
      { requests: 80, windowSeconds: 60 },
      { requests: 500, windowSeconds: 3600 },
    ],
    contentCreatingRoutes: [],
  });
});

test('the 181st JIT registration in a minute is refused (5 points each), with retry-after; other endpoints are not', async () => {
  const startedAt = Date.now();
  const { statuses, last } = await inTurn(181, register);
  const elapsedSeconds = Math.ceil((Date.now() - startedAt) / 1000);
  expect(statuses.slice(0, 180).every((status) => status === 201)).toBe(true);
  expect(last.status).toBe(403);
  expect(await last.json()).toMatchObject({ message: expect.stringMatching(/secondary rate limit/) });
  // The first registration leaves the window a minute after it was made.
  expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(60 - elapsedSeconds);
  expect(Number(last.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  expect(Number(last.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
  expect(sim.stats.secondaryLimited).toEqual({ concurrency: 0, points: 1, contentCreation: 0 });
  expect((await api('/orgs/acme/actions/runners')).status).toBe(200);
});

test('a GET costs one point: 900 a minute on one endpoint', async () => {
  const { statuses, last } = await inTurn(901, () => api('/orgs/acme/actions/runner-groups'));
  expect(statuses.filter((status) => status === 200)).toHaveLength(900);
  expect(last.status).toBe(403);
});

test('the window slides: points come back as the oldest requests leave it', async () => {
  sim.secondaryLimits.endpointPoints = { points: 10, windowSeconds: 1 };
  const { statuses, last } = await inTurn(3, register);
  expect(statuses).toEqual([201, 201, 403]);
  expect(last.headers.get('retry-after')).toBe('1');
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect((await register()).status).toBe(201);
});

test('more than 100 requests of one credential in flight: the rest are refused, naming no time', async () => {
  // Long enough that all 120 are in flight together even on a loaded machine.
  sim.faults.latencyMs = 3_000;
  const answers = await Promise.all(Array.from({ length: 120 }, () => api('/orgs/acme/actions/runners')));
  const refused = answers.filter((answer) => answer.status === 403);
  expect(refused).toHaveLength(20);
  expect(refused.every((answer) => answer.headers.get('retry-after') === null)).toBe(true);
  expect(sim.stats.secondaryLimited.concurrency).toBe(20);
});

test('a route counted as content creation is held to its windows too', async () => {
  sim.secondaryLimits.contentCreatingRoutes = [jitRoute];
  sim.secondaryLimits.contentCreation = [{ requests: 3, windowSeconds: 60 }];
  const { statuses, last } = await inTurn(4, register);
  expect(statuses).toEqual([201, 201, 201, 403]);
  expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(50);
  expect(sim.stats.secondaryLimited.contentCreation).toBe(1);
});

test('limits can be turned off, for a test about something else', async () => {
  const unlimited = await startGitHubSimulator({ secondaryLimits: noSecondaryLimits() });
  try {
    const send = () =>
      fetch(`${unlimited.url}/orgs/acme/actions/runner-groups`, {
        headers: { authorization: `token ${unlimited.token}` },
      });
    const { statuses } = await inTurn(901, send);
    expect(statuses.every((status) => status === 200)).toBe(true);
  } finally {
    await unlimited.close();
  }
});
