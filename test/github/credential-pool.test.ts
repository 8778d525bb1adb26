import { connectGitHub, createGitHubRunnerClient, type GitHubConnection } from '../../activities/github/client';
import { startGitHubSimulator, type GitHubSimulator } from '../../simulators/github';
import { appKeyPair } from './harness';

/** A pool of two PATs against the simulator over HTTP; the first listed has the lower hourly limit. */
let sim: GitHubSimulator;
let connection: GitHubConnection;
let warnings: string[];
const low = 'ghp_lowlimitlowlimitlowlimitlowlimit01';
const other = 'ghp_otheraccountotheraccountotheracc02';
/** The simulator's names of the two (simulators/github/auth.ts): the extra tokens in order. */
const simName = { low: 'pat 2', other: 'pat 3' };

async function listRunners(times: number): Promise<void> {
  const client = createGitHubRunnerClient({ connection, scope: { org: sim.org } });
  for (let i = 0; i < times; i += 1) await client.listRunners();
}

async function startPool(limits: { low: number; other: number }, maxRateLimitWaitSeconds?: number): Promise<void> {
  sim = await startGitHubSimulator({
    tokens: [
      { token: low, hourlyLimit: limits.low },
      { token: other, hourlyLimit: limits.other },
    ],
  });
  warnings = [];
  connection = connectGitHub({
    auth: [
      { kind: 'token', token: low },
      { kind: 'token', token: other },
    ],
    baseUrl: sim.url,
    log: { warn: (message) => warnings.push(message) },
    maxRateLimitWaitSeconds,
  });
}
afterEach(() => sim.close());

const remainingOf = () => connection.credentials.map((credential) => credential.rateLimit.remaining);

test('calls go to the credential with the most budget left, so the two are spent evenly', async () => {
  await startPool({ low: 10, other: 30 });
  await listRunners(30);
  const [lowLeft, otherLeft] = remainingOf();
  expect(Math.abs(Number(lowLeft) - Number(otherLeft))).toBeLessThanOrEqual(1);
  expect(lowLeft).toBeGreaterThan(0);
  const calls = sim.stats.callsByCredential;
  expect(calls[simName.low] + calls[simName.other]).toBe(30);
  expect(calls[simName.low]).toBeLessThan(calls[simName.other]);
  expect(sim.stats.primaryLimited).toBe(0);
});

test('a burst before the second credential has answered is shared by both, not all sent to it', async () => {
  await startPool({ low: 5000, other: 5000 });
  await listRunners(1);
  const client = createGitHubRunnerClient({ connection, scope: { org: sim.org } });
  await Promise.all(Array.from({ length: 20 }, () => client.listRunners()));
  const calls = sim.stats.callsByCredential;
  expect(calls[simName.low] + calls[simName.other]).toBe(21);
  expect(calls[simName.low]).toBeGreaterThanOrEqual(8);
  expect(calls[simName.other]).toBeGreaterThanOrEqual(8);
});

test('a credential spent elsewhere is refused once, and the calls go on at once on the other', async () => {
  await startPool({ low: 3, other: 100 });
  // Another user of the low token (a second tool with the same PAT) spends its hour.
  for (let i = 0; i < 3; i += 1) {
    const answer = await fetch(`${sim.url}/orgs/${sim.org}/actions/runners`, {
      headers: { authorization: `token ${low}` },
    });
    expect(answer.status).toBe(200);
  }
  await listRunners(20);
  expect(sim.stats.primaryLimited).toBe(1);
  expect(sim.stats.callsByCredential).toEqual({ [simName.low]: 4, [simName.other]: 20 });
  expect(remainingOf()).toEqual([0, 80]);
  // Nothing was waited out: the refused request went to the other credential straight away.
  expect(warnings).toEqual([]);
});

test('every credential refused: the call fails; a later call still asks GitHub, which decides', async () => {
  await startPool({ low: 5000, other: 5000 }, 0);
  sim.faults.rateLimit = { kind: 'secondary', count: 2, retryAfterSeconds: 60 };
  await expect(listRunners(1)).rejects.toMatchObject({ name: 'GitHubRateLimitedError' });
  expect(sim.stats.callsByCredential).toEqual({ [simName.low]: 1, [simName.other]: 1 });
  // GitHub lifts the limit early (the simulator's faults are spent): the pool's memory of it fails nothing.
  await listRunners(1);
  expect(sim.stats.callsByCredential[simName.low] + sim.stats.callsByCredential[simName.other]).toBe(3);
});

test('an App and a token pooled: both serve, named app:<App id> and token:<hash prefix>', async () => {
  const key = appKeyPair();
  const app = { appId: 4711, installationId: 77 };
  sim = await startGitHubSimulator({ app: { ...app, publicKeyPem: key.publicKey }, tokens: [{ token: other }] });
  connection = connectGitHub({
    auth: [
      { kind: 'app', ...app, privateKey: key.privateKey },
      { kind: 'token', token: other },
    ],
    baseUrl: sim.url,
  });
  await listRunners(2);
  expect(sim.stats.callsByCredential).toMatchObject({ 'installation 77': 1, 'pat 2': 1 });
  const labels = connection.credentials.map(({ label }) => label);
  expect(labels).toEqual(['app:4711', expect.stringMatching(/^token:[0-9a-f]{12}$/)]);
});
