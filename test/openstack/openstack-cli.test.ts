import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createOpenStackClient } from '../../activities/openstack';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import { DEMO_CLOUD, cloudsYaml } from '../../simulators/openstack/clouds-yaml';

/**
 * The standard `openstack` CLI (python-openstackclient from PyPI, installed by scripts/openstack-client.sh)
 * against the simulated cloud of `npm start`, as real processes, with the README's clouds.yaml entry.
 */

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');

let openstack: string;
let cloud: SimulatedCloud;
let dir: string;
const servers: { id: string; name: string }[] = [];

beforeAll(async () => {
  // Installs on first use (about a minute on a loaded machine), prints the path at once after.
  openstack = (
    await run('bash', [path.join(root, 'scripts', 'openstack-client.sh')], { timeout: 600_000 })
  ).stdout.trim();
  cloud = await startSimulatedCloud({ openstack: { bootDelayMs: 100 } });
  dir = mkdtempSync(path.join(tmpdir(), 'openstack-cli-'));
  writeFileSync(path.join(dir, 'clouds.yaml'), cloudsYaml(cloud.openstack));
  // Made as the worker makes runners: through the product's client, with its ownership metadata.
  const client = createOpenStackClient(cloud.openstack.credentials);
  const booted = new Promise<void>((resolve) => {
    let active = 0;
    cloud.openstack.onServerActive(() => (active += 1) === 2 && resolve());
  });
  for (const [name, flavor] of [
    ['flavor-small-1', 'm1.small'],
    ['flavor-large-1', 'm1.large'],
  ]) {
    servers.push(
      await client.createServer({
        name,
        image: 'ubuntu-24.04',
        flavor,
        network: 'runners-net',
        securityGroups: ['default'],
        metadata: { 'runner-autoscaler': 'runner-autoscaler', 'runner-flavor': name.replace(/-1$/, '') },
        userData: '#!/bin/sh\necho runner\n',
      }),
    );
  }
  await booted;
}, 660_000);

afterAll(async () => {
  await cloud?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `openstack --os-cloud runner-autoscaler-demo <args> -f json`, with only the test's clouds.yaml in sight. */
async function cli(...args: string[]): Promise<unknown> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    OS_CLIENT_CONFIG_FILE: path.join(dir, 'clouds.yaml'),
  };
  const { stdout } = await run(openstack, ['--os-cloud', DEMO_CLOUD, ...args, '-f', 'json'], {
    cwd: dir,
    env,
    timeout: 180_000,
  });
  return JSON.parse(stdout);
}

test("the README's clouds.yaml entry is the one the demo writes for its cloud on port 8774", () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const block =
    /<!-- clouds\.yaml: tested by test\/openstack\/openstack-cli\.test\.ts -->\s*```yaml\n([\s\S]*?)```/.exec(
      readme,
    )?.[1];
  expect(block).toBe(cloudsYaml({ ...cloud.openstack, baseUrl: 'http://127.0.0.1:8774' }));
});

test('openstack server list shows the runners with their image, flavor and addresses', async () => {
  const listed = (await cli('server', 'list')) as Record<string, unknown>[];
  expect(listed).toHaveLength(2);
  expect(listed).toEqual(
    expect.arrayContaining([
      {
        ID: servers[0].id,
        Name: 'flavor-small-1',
        Status: 'ACTIVE',
        Networks: { 'runners-net': [expect.stringMatching(/^10\.0\.\d+\.\d+$/)] },
        Image: 'ubuntu-24.04',
        Flavor: 'm1.small',
      },
      expect.objectContaining({ ID: servers[1].id, Name: 'flavor-large-1', Status: 'ACTIVE', Flavor: 'm1.large' }),
    ]),
  );
}, 200_000);

test('openstack server show, by name and by id, shows what Nova would', async () => {
  const expected = {
    id: servers[0].id,
    name: 'flavor-small-1',
    status: 'ACTIVE',
    'OS-EXT-STS:vm_state': 'active',
    'OS-EXT-STS:power_state': 1,
    'OS-EXT-AZ:availability_zone': 'nova',
    'OS-EXT-SRV-ATTR:hostname': 'flavor-small-1',
    image: `ubuntu-24.04 (${cloud.openstack.images[0].id})`,
    flavor: expect.objectContaining({ original_name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 }),
    properties: { 'runner-autoscaler': 'runner-autoscaler', 'runner-flavor': 'flavor-small' },
    security_groups: [{ name: 'default' }],
    addresses: { 'runners-net': [expect.any(String)] },
    locked: false,
    tags: [],
    project_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    'OS-SRV-USG:launched_at': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  };
  expect(await cli('server', 'show', 'flavor-small-1')).toMatchObject(expected);
  expect(await cli('server', 'show', servers[0].id)).toMatchObject(expected);
  // Every request the client made was one the simulator serves.
  expect(Object.keys(cloud.openstack.stats.calls).filter((call) => call.includes('(unknown)'))).toEqual([]);
  expect(cloud.openstack.stats.calls).toMatchObject({
    'identity GET /': expect.any(Number),
    'identity POST /v3/auth/tokens': expect.any(Number),
    'compute GET /servers/detail': expect.any(Number),
    'compute GET /servers/{id}': expect.any(Number),
    'image GET /v2/images/{id}': expect.any(Number),
  });
}, 400_000);
