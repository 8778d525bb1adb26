import { startGitHubSimulator, type GitHubSimulator } from '../../simulators/github';

/** GitHub's primary rate limit as the simulator models it, per credential, seen with plain fetch. */
let sim: GitHubSimulator;
const low = 'ghp_lowlimitlowlimitlowlimitlowlimit01';
const other = 'ghp_otheraccountotheraccountotheracc02';

const list = (token: string) =>
  fetch(`${sim.url}/orgs/acme/actions/runners`, { headers: { authorization: `token ${token}` } });
const remaining = (answer: Response) => Number(answer.headers.get('x-ratelimit-remaining'));

beforeAll(async () => {
  sim = await startGitHubSimulator({ tokens: [{ token: low, hourlyLimit: 3 }, { token: other }] });
});
afterAll(() => sim.close());

test('each credential has its own hourly window; one over its limit is refused as GitHub refuses it', async () => {
  const answers = [];
  for (let i = 0; i < 4; i += 1) answers.push(await list(low));
  expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 403]);
  expect(answers.map(remaining)).toEqual([2, 1, 0, 0]);
  const refused = answers[3];
  expect(await refused.json()).toMatchObject({ message: expect.stringMatching(/^API rate limit exceeded/) });
  expect(refused.headers.get('x-ratelimit-limit')).toBe('3');
  expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 + 3500);

  // The other accounts are untouched: their budgets are their own.
  for (const [token, limit] of [
    [other, 5000],
    [sim.token, 5000],
  ] as const) {
    const answer = await list(token);
    expect({ status: answer.status, limit: answer.headers.get('x-ratelimit-limit') }).toEqual({
      status: 200,
      limit: String(limit),
    });
    expect(remaining(answer)).toBe(limit - 1);
  }
  expect(sim.stats.primaryLimited).toBe(1);
  expect(sim.stats.callsByCredential).toEqual({ 'pat 2': 4, 'pat 3': 1, pat: 1 });
});

test('an unknown token is still refused', async () => {
  expect((await list('ghp_nobodynobodynobodynobodynobodynobo')).status).toBe(401);
});
