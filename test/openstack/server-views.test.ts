import { createOpenStackClient, type NovaClient } from '../../activities/openstack';
import { startOpenStackSimulator, type OpenStackSimulator } from '../../simulators/openstack';

/**
 * Server views field for field as Nova's (nova/api/openstack/compute/views/servers.py) shows them to a
 * project member at each microversion, the client's negotiated 2.79 and the `openstack` CLI's 2.96 among them.
 */

let sim: OpenStackSimulator;
let client: NovaClient;
let id: string;
beforeAll(async () => {
  sim = await startOpenStackSimulator({ bootDelayMs: 100 });
  client = createOpenStackClient(sim.credentials);
  const active = new Promise((resolve) => sim.onServerActive(resolve));
  ({ id } = await client.createServer({
    name: 'view_runner.1',
    image: 'ubuntu-24.04',
    flavor: 'm1.small',
    network: 'runners-net',
    securityGroups: ['runners'],
    keyName: 'ops',
    metadata: { 'runner-flavor': 'small' },
  }));
  await active;
});
afterAll(() => sim.close());

const BASE = [
  'OS-DCF:diskConfig',
  'OS-EXT-AZ:availability_zone',
  'OS-EXT-STS:power_state',
  'OS-EXT-STS:task_state',
  'OS-EXT-STS:vm_state',
  'OS-SRV-USG:launched_at',
  'OS-SRV-USG:terminated_at',
  'accessIPv4',
  'accessIPv6',
  'addresses',
  'config_drive',
  'created',
  'flavor',
  'hostId',
  'id',
  'image',
  'key_name',
  'links',
  'metadata',
  'name',
  'os-extended-volumes:volumes_attached',
  'progress',
  'security_groups',
  'status',
  'tenant_id',
  'updated',
  'user_id',
];
/** What each microversion adds to a member's view (host_status and OS-EXT-SRV-ATTR:* stay admin's). */
const ADDED: [string, string[]][] = [
  ['2.9', ['locked']],
  ['2.19', ['description']],
  ['2.26', ['tags']],
  ['2.63', ['trusted_image_certificates']],
  ['2.71', ['server_groups']],
  ['2.73', ['locked_reason']],
  ['2.90', ['OS-EXT-SRV-ATTR:hostname']],
  ['2.96', ['pinned_availability_zone']],
];

const fieldsAt = (microversion: string, view: 'show' | 'detail') =>
  [
    ...BASE,
    ...ADDED.filter(([version]) => Number(version.split('.')[1]) <= Number(microversion.split('.')[1])).flatMap(
      ([version, fields]) => (version === '2.71' && view === 'detail' ? [] : fields),
    ),
  ].sort();

async function view(microversion: string | undefined, path: string) {
  const headers = { 'OpenStack-API-Version': `compute ${microversion}` };
  const body = (await client.session.request('compute', 'GET', path, { headers })).body as {
    server?: Record<string, unknown>;
    servers?: Record<string, unknown>[];
  };
  return body.server ?? (body.servers ?? [])[0];
}

test.each(['2.1', '2.9', '2.47', '2.79', '2.90', '2.96'])(
  'at %s, show and detail hold Nova’s fields',
  async (version) => {
    expect(Object.keys(await view(version, `/servers/${id}`)).sort()).toEqual(fieldsAt(version, 'show'));
    expect(Object.keys(await view(version, '/servers/detail')).sort()).toEqual(fieldsAt(version, 'detail'));
  },
);

test("the client's negotiated microversion gets the 2.79 view, the flavor embedded", async () => {
  const negotiated = await client.microversion();
  expect(negotiated).toBe('2.79');
  const server = await view(negotiated, `/servers/${id}`);
  expect(server).toMatchObject({
    status: 'ACTIVE',
    'OS-EXT-STS:vm_state': 'active',
    'OS-EXT-STS:power_state': 1,
    'OS-EXT-STS:task_state': null,
    'OS-SRV-USG:launched_at': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/),
    locked: false,
    locked_reason: null,
    description: null,
    tags: [],
    server_groups: [],
    security_groups: [{ name: 'runners' }],
    key_name: 'ops',
    metadata: { 'runner-flavor': 'small' },
    flavor: { vcpus: 1, ram: 2048, disk: 20, ephemeral: 0, swap: 0, original_name: 'm1.small', extra_specs: {} },
    addresses: {
      'runners-net': [
        {
          version: 4,
          addr: expect.any(String),
          'OS-EXT-IPS:type': 'fixed',
          'OS-EXT-IPS-MAC:mac_addr': expect.stringMatching(/^fa:16:3e(:[0-9a-f]{2}){3}$/),
        },
      ],
    },
    hostId: expect.stringMatching(/^[0-9a-f]{56}$/),
  });
  expect(server.links).toEqual([
    { rel: 'self', href: `${sim.baseUrl}/compute/v2.1/servers/${id}` },
    { rel: 'bookmark', href: `${sim.baseUrl}/compute/servers/${id}` },
  ]);
});

test('before 2.47 the flavor is a link; from 2.90 the hostname Nova derived from the name shows', async () => {
  expect((await view('2.46', `/servers/${id}`)).flavor).toEqual({
    id: '2',
    links: [{ rel: 'bookmark', href: `${sim.baseUrl}/compute/flavors/2` }],
  });
  expect((await view('2.96', `/servers/${id}`))['OS-EXT-SRV-ATTR:hostname']).toBe('view-runner-1');
});

test('a building server hides its addresses and shows the spawning task', async () => {
  sim.setServerStatus(id, 'BUILD');
  expect(await view('2.79', `/servers/${id}`)).toMatchObject({
    addresses: {},
    'OS-EXT-STS:vm_state': 'building',
    'OS-EXT-STS:task_state': 'spawning',
    'OS-EXT-STS:power_state': 0,
    progress: 0,
  });
  sim.setServerStatus(id, 'ERROR', 'No valid host was found.');
  const failed = await view('2.79', `/servers/${id}`);
  expect(failed.fault).toEqual({ code: 500, created: expect.any(String), message: 'No valid host was found.' });
  expect(failed).not.toHaveProperty('progress');
});
