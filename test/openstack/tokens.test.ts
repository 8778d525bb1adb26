import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { startOpenStackSimulator, type OpenStackSimulator } from '../../simulators/openstack';
import { issueToken } from './support';

/** Every service checks the token at the simulated Keystone: a revoked or expired one answers 401 everywhere. */

let sim: OpenStackSimulator;
afterEach(() => sim?.close());

/** One authenticated GET per service: Nova, Glance, Neutron. */
const serviceUrls = () => [
  `${sim.baseUrl}/compute/v2.1/servers`,
  `${sim.baseUrl}/image/v2/images`,
  `${sim.baseUrl}/networking/v2.0/networks`,
];

async function get(url: string, token: string) {
  const response = await request(url, { headers: { 'x-auth-token': token } });
  return { status: response.statusCode, headers: response.headers, body: await response.body.json() };
}

const rejected = () => ({
  status: 401,
  headers: expect.objectContaining({ 'www-authenticate': `Keystone uri="${sim.baseUrl}/identity"` }),
  body: { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } },
});

function revoke(subject: string, auth: string) {
  return request(`${sim.authUrl}/auth/tokens`, {
    method: 'DELETE',
    headers: { 'x-auth-token': auth, 'x-subject-token': subject },
  });
}

test('a token revoked with DELETE /v3/auth/tokens answers 401 at Nova, Glance and Neutron', async () => {
  sim = await startOpenStackSimulator();
  const { token } = await issueToken(sim);
  const { token: admin } = await issueToken(sim);
  for (const url of serviceUrls()) expect((await get(url, token)).status).toBe(200);
  const revoked = await revoke(token, admin);
  expect(revoked.statusCode).toBe(204);
  for (const url of serviceUrls()) expect(await get(url, token)).toEqual(rejected());
  // The other token stays good, and revoking again finds nothing.
  for (const url of serviceUrls()) expect((await get(url, admin)).status).toBe(200);
  const again = await revoke(token, admin);
  expect(again.statusCode).toBe(404);
  await again.body.dump();
});

test('revoking needs a valid token of its own', async () => {
  sim = await startOpenStackSimulator();
  const { token } = await issueToken(sim);
  const response = await revoke(token, 'made-up');
  expect(response.statusCode).toBe(401);
  await response.body.dump();
  expect((await get(serviceUrls()[0], token)).status).toBe(200);
});

test('a token that expired at Keystone answers 401 at Nova, Glance and Neutron', async () => {
  sim = await startOpenStackSimulator({ tokenTtlMs: 300 });
  const { token, body } = await issueToken(sim);
  expect(Date.parse((body as { token: { expires_at: string } }).token.expires_at) - Date.now()).toBeLessThanOrEqual(
    300,
  );
  for (const url of serviceUrls()) expect((await get(url, token)).status).toBe(200);
  await sleep(350);
  for (const url of serviceUrls()) expect(await get(url, token)).toEqual(rejected());
});

test('an unknown token, or none, answers 401 everywhere', async () => {
  sim = await startOpenStackSimulator();
  for (const url of serviceUrls()) expect(await get(url, 'made-up')).toEqual(rejected());
  const response = await request(serviceUrls()[0]);
  expect(response.statusCode).toBe(401);
  await response.body.dump();
});
