import { request } from 'undici';
import { startOpenStackSimulator, type OpenStackSimulator } from '../../simulators/openstack';

/**
 * The version documents standard clients (keystoneauth, openstacksdk) read before anything else, in the
 * services' own formats: keystone/api/discovery.py, glance/api/versions.py, Nova's versions controller.
 */

let sim: OpenStackSimulator;
beforeAll(async () => {
  sim = await startOpenStackSimulator();
});
afterAll(() => sim.close());

async function get(path: string) {
  const response = await request(`${sim.baseUrl}${path}`, { headers: { accept: 'application/json' } });
  return { status: response.statusCode, headers: response.headers, body: await response.body.json() };
}

const keystoneV3 = () => ({
  id: 'v3.14',
  status: 'stable',
  updated: '2020-04-07T00:00:00Z',
  links: [{ rel: 'self', href: `${sim.baseUrl}/identity/v3/` }],
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
});

test('the identity root lists v3: 300 Multiple Choices, the preferred version in Location', async () => {
  for (const path of ['/identity', '/identity/']) {
    const answer = await get(path);
    expect(answer.status).toBe(300);
    expect(answer.headers.location).toBe(`${sim.baseUrl}/identity/v3/`);
    expect(answer.body).toEqual({ versions: { values: [keystoneV3()] } });
  }
});

test('the v3 document, with and without the trailing slash, needs no token', async () => {
  for (const path of ['/identity/v3', '/identity/v3/']) {
    expect(await get(path)).toMatchObject({ status: 200, body: { version: keystoneV3() } });
  }
});

test("the image root answers Glance's version list with 300, /versions with 200", async () => {
  const root = await get('/image');
  expect(root.status).toBe(300);
  const { versions } = root.body as { versions: { id: string; status: string; links: unknown[] }[] };
  expect(versions[0]).toEqual({
    id: 'v2.18',
    status: 'CURRENT',
    links: [{ rel: 'self', href: `${sim.baseUrl}/image/v2/` }],
  });
  expect(versions.map((v) => v.id)).toContain('v2.0');
  expect(versions.slice(1).every((v) => v.status === 'SUPPORTED')).toBe(true);
  expect(await get('/image/versions')).toEqual({ status: 200, headers: expect.anything(), body: root.body });
});

test('the compute root and /v2.1/ give the microversion range', async () => {
  const document = {
    id: 'v2.1',
    status: 'CURRENT',
    version: '2.96',
    min_version: '2.1',
    updated: '2013-07-23T11:33:21Z',
    links: [{ rel: 'self', href: `${sim.baseUrl}/compute/v2.1/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
  };
  expect(await get('/compute/')).toMatchObject({ status: 200, body: { versions: [document] } });
  expect(await get('/compute/v2.1/')).toMatchObject({ status: 200, body: { version: document } });
});
