import { setTimeout as sleep } from 'node:timers/promises';
import { KeystoneSession, OpenStackError, Secret, tokensUrl } from '../../activities/openstack';
import { startOpenStackSimulator, type OpenStackSimulator } from '../../simulators/openstack';

let sim: OpenStackSimulator;
afterEach(() => sim?.close());

const listFlavors = (session: KeystoneSession) => session.request('compute', 'GET', '/flavors');

test('one token serves many calls', async () => {
  sim = await startOpenStackSimulator();
  const session = new KeystoneSession(sim.credentials);
  for (let i = 0; i < 5; i += 1) await listFlavors(session);
  await Promise.all(Array.from({ length: 10 }, () => listFlavors(session)));
  expect(session.stats.tokensIssued).toBe(1);
  expect(sim.stats.tokensIssued).toBe(1);
  expect(session.stats.calls).toEqual({ keystone: 1, compute: 15 });
});

test('concurrent first callers share one token request', async () => {
  sim = await startOpenStackSimulator();
  const session = new KeystoneSession(sim.credentials);
  await Promise.all(Array.from({ length: 20 }, () => listFlavors(session)));
  expect(sim.stats.calls['identity POST /v3/auth/tokens']).toBe(1);
  expect(sim.stats.tokensIssued).toBe(1);
});

test('the token is renewed shortly before it expires, never after', async () => {
  sim = await startOpenStackSimulator({ tokenTtlMs: 3000 });
  const session = new KeystoneSession(sim.credentials, { renewBeforeMs: 1000 });
  await listFlavors(session);
  await sleep(800);
  await listFlavors(session);
  expect(sim.stats.tokensIssued).toBe(1);
  await sleep(1500);
  await listFlavors(session);
  expect(sim.stats.tokensIssued).toBe(2);
  expect(sim.stats.unauthorized).toBe(0);
});

test('a short-lived token is renewed at half its life at the latest', async () => {
  sim = await startOpenStackSimulator({ tokenTtlMs: 1000 });
  const session = new KeystoneSession(sim.credentials);
  await listFlavors(session);
  await listFlavors(session);
  expect(sim.stats.tokensIssued).toBe(1);
  await sleep(600);
  await listFlavors(session);
  expect(sim.stats.tokensIssued).toBe(2);
  expect(sim.stats.unauthorized).toBe(0);
});

test('a revoked token is renewed on the 401 and the call repeated once', async () => {
  sim = await startOpenStackSimulator();
  const session = new KeystoneSession(sim.credentials);
  await listFlavors(session);
  sim.revokeTokens();
  const response = await listFlavors(session);
  expect(response.status).toBe(200);
  expect(sim.stats.unauthorized).toBe(1);
  expect(sim.stats.tokensIssued).toBe(2);
  expect(session.stats.renewalsOn401).toBe(1);
});

test('concurrent callers hit by a revocation still share one new token', async () => {
  sim = await startOpenStackSimulator();
  const session = new KeystoneSession(sim.credentials);
  await listFlavors(session);
  sim.revokeTokens();
  await Promise.all(Array.from({ length: 10 }, () => listFlavors(session)));
  expect(sim.stats.tokensIssued).toBe(2);
});

test('wrong credentials: a non-retryable error naming the source, not the secret', async () => {
  sim = await startOpenStackSimulator();
  const session = new KeystoneSession({ ...sim.credentials, password: new Secret('wrong-horse-battery') });
  const err: OpenStackError = await listFlavors(session).then(
    () => Promise.reject(new Error('expected a failure')),
    (e) => e,
  );
  expect(err).toBeInstanceOf(OpenStackError);
  expect(err).toMatchObject({ kind: 'unauthorized', retryable: false, status: 401 });
  expect(err.message).toBe('Keystone refused the credentials of OpenStack simulator (401)');
  expect(err.message).not.toContain('wrong-horse-battery');
  expect(session.stats.calls.keystone).toBe(1);
});

test('application credentials, by id and by name with their owner', async () => {
  sim = await startOpenStackSimulator();
  const byId = new KeystoneSession(sim.applicationCredentials);
  expect((await listFlavors(byId)).status).toBe(200);
  const byName = new KeystoneSession({
    ...sim.applicationCredentials,
    applicationCredential: { name: 'autoscaler-app', user: { name: 'autoscaler', domainName: 'Default' } },
  });
  expect((await listFlavors(byName)).status).toBe(200);
  const wrong = new KeystoneSession({ ...sim.applicationCredentials, secret: new Secret('nope') });
  await expect(listFlavors(wrong)).rejects.toMatchObject({ kind: 'unauthorized', retryable: false });
});

test('the auth URL may be given with or without /v3', async () => {
  sim = await startOpenStackSimulator();
  expect(tokensUrl('https://k:5000/v3/')).toBe('https://k:5000/v3/auth/tokens');
  expect(tokensUrl('https://k/identity')).toBe('https://k/identity/v3/auth/tokens');
  const root = new KeystoneSession({ ...sim.credentials, authUrl: `${sim.baseUrl}/identity` });
  expect((await listFlavors(root)).status).toBe(200);
});
