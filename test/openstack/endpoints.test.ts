import { request } from 'undici';
import { apiBase } from '../../activities/openstack/catalog';
import { KeystoneSession, createOpenStackClient, type NovaClient } from '../../activities/openstack';
import {
  startOpenStackSimulator,
  type OpenStackSimulator,
  type OpenStackSimulatorOptions,
} from '../../simulators/openstack';
import { issueToken } from './support';

/** The endpoint layouts real catalogs have, each published by the simulator and used by the client. */

let sim: OpenStackSimulator;
afterEach(() => sim?.close());

const SPEC = { image: 'ubuntu-24.04', flavor: 'm1.small', network: 'runners-net' };

/** Create (with name lookups on all three services), list, show and delete: every call the fleet makes. */
async function roundTrip(client: NovaClient) {
  const { id } = await client.createServer({ ...SPEC, name: 'layout-1' });
  expect((await client.listServers({ runnerNamePrefix: 'layout' })).map((s) => s.id)).toEqual([id]);
  expect((await client.getServer(id))?.name).toBe('layout-1');
  expect(await client.deleteServer(id)).toBe('deleted');
}

const endpointsUsed = () => Object.keys(sim.stats.endpoints).sort();

async function started(catalog: OpenStackSimulatorOptions['catalog']) {
  sim = await startOpenStackSimulator({ catalog, bootDelayMs: 50 });
  return createOpenStackClient(sim.credentials);
}

describe('the API base of a catalog URL', () => {
  test.each([
    ['image', 'https://glance.example:9292', 'https://glance.example:9292/v2'],
    ['image', 'https://cloud.example/image/', 'https://cloud.example/image/v2'],
    ['image', 'https://glance.example:9292/v2', 'https://glance.example:9292/v2'],
    ['image', 'https://glance.example:9292/v2.1/', 'https://glance.example:9292/v2'],
    ['image', 'https://glance.example:9292/v1', 'https://glance.example:9292/v2'],
    ['network', 'https://neutron.example:9696', 'https://neutron.example:9696/v2.0'],
    ['network', 'https://neutron.example:9696/v2.0/', 'https://neutron.example:9696/v2.0'],
    ['compute', 'https://nova.example:8774/v2.1', 'https://nova.example:8774/v2.1'],
    ['compute', 'https://nova.example:8774/v2.1/0f1e2d3c4b5a', 'https://nova.example:8774/v2.1/0f1e2d3c4b5a'],
    ['compute', 'https://nova.example:8774/v2/0f1e2d3c-4b5a', 'https://nova.example:8774/v2.1/0f1e2d3c-4b5a'],
    ['compute', 'https://cloud.example/compute', 'https://cloud.example/compute/v2.1'],
    ['compute', 'https://cloud.example/compute/', 'https://cloud.example/compute/v2.1'],
    ['identity', 'https://keystone.example/v3', 'https://keystone.example/v3'],
  ])('%s %s → %s', (type, url, base) => {
    expect(apiBase(type, url)).toBe(base);
  });
});

describe('endpoint layouts, each against the simulator publishing it', () => {
  test('image and network endpoints registered with their version (…/v2, …/v2.0)', async () => {
    const client = await started({ paths: { image: '/image/v2', network: '/networking/v2.0' } });
    expect(await client.session.endpointFor('image')).toBe(`${sim.baseUrl}/image/v2`);
    await roundTrip(client);
    expect(sim.stats.calls).toMatchObject({ 'image GET /v2/images': 1, 'network GET /v2.0/networks': 1 });
    expect(sim.stats.calls['image GET (unknown)']).toBeUndefined();
  });

  test('a compute endpoint carrying the project id (…/v2.1/<project_id>)', async () => {
    const client = await started({ paths: { compute: '/compute/v2.1/{project_id}' } });
    const projectId = await client.session.projectId();
    expect(await client.session.endpointFor('compute')).toBe(`${sim.baseUrl}/compute/v2.1/${projectId}`);
    await roundTrip(client);
    expect(await client.microversion()).toBe('2.79');
    expect(sim.stats.calls['compute POST /servers']).toBe(1);
  });

  test("the simulator, as Nova, refuses a project id in the path that is not the token's", async () => {
    const client = await started({ paths: { compute: '/compute/v2.1/{project_id}' } });
    await client.listServers();
    const other = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const { token } = await issueToken(sim);
    const response = await request(`${sim.baseUrl}/compute/v2.1/${other}/servers`, {
      headers: { 'x-auth-token': token },
    });
    expect(response.statusCode).toBe(400);
    expect(await response.body.json()).toEqual({
      badRequest: {
        code: 400,
        message: expect.stringContaining(`URL's project_id '${other}' doesn't match Context's project_id`),
      },
    });
  });

  test('an unversioned compute endpoint gets /v2.1', async () => {
    const client = await started({ paths: { compute: '/compute' } });
    expect(await client.session.endpointFor('compute')).toBe(`${sim.baseUrl}/compute/v2.1`);
    await roundTrip(client);
  });

  describe('a catalog of several regions and interfaces', () => {
    const catalog = {
      regions: ['RegionOne', 'RegionTwo'],
      interfaces: ['public', 'internal', 'admin'] as const,
    };

    test.each([
      ['one entry per service', 'per-service' as const],
      ['one entry per region', 'per-region' as const],
    ])('%s: the configured region and interface are used for every call', async (_, entries) => {
      sim = await startOpenStackSimulator({ catalog: { ...catalog, interfaces: [...catalog.interfaces], entries } });
      const client = createOpenStackClient({ ...sim.credentials, region: 'RegionTwo', interface: 'internal' });
      expect(await client.session.endpointFor('compute')).toBe(`${sim.baseUrl}/region/RegionTwo/internal/compute/v2.1`);
      await roundTrip(client);
      expect(endpointsUsed()).toEqual([
        'RegionOne public identity',
        'RegionTwo internal compute',
        'RegionTwo internal image',
        'RegionTwo internal network',
      ]);

      sim.resetStats();
      const publicOne = createOpenStackClient({ ...sim.credentials, region: 'RegionOne' });
      await roundTrip(publicOne);
      expect(endpointsUsed()).toEqual([
        'RegionOne public compute',
        'RegionOne public identity',
        'RegionOne public image',
        'RegionOne public network',
      ]);
    });

    test('without a configured region, a service in two regions is an error naming them', async () => {
      sim = await startOpenStackSimulator({ catalog: { ...catalog, interfaces: [...catalog.interfaces] } });
      const client = createOpenStackClient({ ...sim.credentials, region: undefined });
      await expect(client.listServers()).rejects.toMatchObject({
        kind: 'config',
        retryable: false,
        message:
          'the service catalog lists public compute endpoints in regions RegionOne, RegionTwo: ' +
          'set region_name in clouds.yaml (or OS_REGION_NAME) to choose one',
      });
    });

    test('a region the catalog does not have is an error naming the ones it has', async () => {
      sim = await startOpenStackSimulator({ catalog: { ...catalog, interfaces: [...catalog.interfaces] } });
      const session = new KeystoneSession({ ...sim.credentials, region: 'RegionThree' });
      await expect(session.endpointFor('compute')).rejects.toThrow(
        'no public endpoint for compute in region RegionThree in the service catalog (identity, compute, image, ' +
          'network); it has one in RegionOne, RegionTwo',
      );
    });
  });

  test('the default layout: devstack public and internal endpoints in one region', async () => {
    sim = await startOpenStackSimulator();
    expect(await new KeystoneSession(sim.credentials).endpointFor('compute')).toBe(`${sim.baseUrl}/compute/v2.1`);
    const internal = createOpenStackClient({ ...sim.credentials, interface: 'internal' });
    expect(await internal.session.endpointFor('image')).toBe(`${sim.baseUrl}/internal/image/v2`);
    await roundTrip(internal);
    expect(endpointsUsed()).toEqual([
      'RegionOne internal compute',
      'RegionOne internal image',
      'RegionOne internal network',
      'RegionOne public identity',
    ]);
  });
});
