import { createOpenStackClient, escapeRegex, type NovaClient } from '../../activities/openstack';
import { startOpenStackSimulator, type OpenStackSimulator, type SimServer } from '../../simulators/openstack';
import { isNameLookup } from '../../simulators/openstack/routes/servers';
import { eventually } from '../support/wait';
import { rejection } from './support';

let sim: OpenStackSimulator;
afterEach(() => sim?.close());

const SPEC = { image: 'ubuntu-24.04', flavor: 'm1.small', network: 'runners-net' };

/** Creates servers `<prefix>-1` .. `<prefix>-n`, a few at a time. */
async function createMany(client: NovaClient, prefix: string, n: number, metadata: Record<string, string> = {}) {
  const names = Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);
  for (let i = 0; i < names.length; i += 25) {
    await Promise.all(names.slice(i, i + 25).map((name) => client.createServer({ ...SPEC, name, metadata })));
  }
}

describe('microversions', () => {
  test('the lower of the cloud maximum and 2.79 is sent with every compute call', async () => {
    sim = await startOpenStackSimulator();
    const client = createOpenStackClient(sim.credentials);
    await client.listServers();
    await client.findServerByName('x');
    expect(await client.microversion()).toBe('2.79');
    expect(sim.stats.microversions).toEqual({ none: 1, '2.79': 2 });
    expect(sim.stats.calls['compute GET /']).toBe(1);
  });

  test('an older cloud gets its own maximum', async () => {
    sim = await startOpenStackSimulator({ maxMicroversion: '2.60' });
    const client = createOpenStackClient(sim.credentials);
    await client.listServers();
    expect(sim.stats.microversions['2.60']).toBe(1);
  });

  test('the simulator refuses a microversion it does not have', async () => {
    sim = await startOpenStackSimulator({ maxMicroversion: '2.60' });
    const client = createOpenStackClient(sim.credentials);
    const err = await rejection(
      client.session.request('compute', 'GET', '/servers', { headers: { 'OpenStack-API-Version': 'compute 2.61' } }),
    );
    expect(err).toMatchObject({ status: 406, kind: 'bad-request', retryable: false });
    expect(err.message).toContain('Minimum is 2.1 and maximum is 2.60');
  });
});

describe('servers', () => {
  test('create → BUILD → ACTIVE, with user data and metadata as sent', async () => {
    sim = await startOpenStackSimulator({ bootDelayMs: 300 });
    const client = createOpenStackClient(sim.credentials);
    const active = new Promise<SimServer>((resolve) => sim.onServerActive(resolve));
    const created = await client.createServer({
      ...SPEC,
      name: 'foo-0-1',
      userData: '#!/bin/bash\necho "jit config ü"\n',
      metadata: { flavor: 'foo-0' },
      securityGroups: ['runners'],
      keyName: 'ops',
    });
    expect(created.name).toBe('foo-0-1');
    expect(await client.getServer(created.id)).toMatchObject({ status: 'BUILD', metadata: { flavor: 'foo-0' } });
    const booted = await active;
    expect(booted).toMatchObject({
      id: created.id,
      status: 'ACTIVE',
      userData: '#!/bin/bash\necho "jit config ü"\n',
      imageId: sim.images[0].id,
      flavorId: '2',
      networkIds: [sim.networks[0].id],
      securityGroups: ['runners'],
      keyName: 'ops',
    });
    const server = await client.getServer(created.id);
    expect(server?.status).toBe('ACTIVE');
    expect(Date.parse(server?.created ?? '')).not.toBeNaN();
    expect(sim.stats.createRequests).toEqual([
      { name: 'foo-0-1', at: expect.any(Number), answeredAt: expect.any(Number), status: 202 },
    ]);
  });

  test('pagination follows servers_links over more servers than a page holds', async () => {
    sim = await startOpenStackSimulator({ pageSizeMax: 100 });
    const client = createOpenStackClient(sim.credentials);
    await createMany(client, 'r', 250);
    const servers = await client.listServers();
    expect(servers).toHaveLength(250);
    expect(new Set(servers.map((s) => s.name)).size).toBe(250);
    expect(sim.stats.calls['compute GET /servers/detail']).toBe(3);

    // A full last page gets a next link too (as in Nova); the empty page after it ends the walk.
    for (const server of servers.slice(0, 50)) await client.deleteServer(server.id);
    sim.resetStats();
    expect(await client.listServers()).toHaveLength(200);
    expect(sim.stats.calls['compute GET /servers/detail']).toBe(3);
  });

  test('a page marker that was deleted meanwhile still works', async () => {
    sim = await startOpenStackSimulator({ pageSizeMax: 10 });
    const client = createOpenStackClient(sim.credentials, { pageSize: 5 });
    await createMany(client, 'r', 12);
    const first = await client.session.request<{ servers: { id: string }[] }>('compute', 'GET', '/servers', {
      query: { limit: 5 },
    });
    const marker = first.body.servers[4].id;
    await client.deleteServer(marker);
    const next = await client.session.request<{ servers: unknown[] }>('compute', 'GET', '/servers', {
      query: { limit: 5, marker },
    });
    expect(next.body.servers).toHaveLength(5);
  });

  test('metadata filters exactly: foo-0 does not list the servers of foo-0-1', async () => {
    sim = await startOpenStackSimulator();
    const client = createOpenStackClient(sim.credentials);
    await createMany(client, 'foo-0', 3, { flavor: 'foo-0' });
    await createMany(client, 'foo-0-1', 2, { flavor: 'foo-0-1' });
    await createMany(client, 'bar', 2, { flavor: 'bar' });
    const own = await client.listServers({ metadata: { flavor: 'foo-0' }, runnerNamePrefix: 'foo-0' });
    expect(own.map((s) => s.name).sort()).toEqual(['foo-0-1', 'foo-0-2', 'foo-0-3']);
    expect(await client.listServers({ metadata: { flavor: 'bar' } })).toHaveLength(2);
    expect(await client.listServers()).toHaveLength(7);
  });

  test("a runner-name list is filtered by Nova, and exactly: foo-0's holds neither foo-0-1's runners nor others", async () => {
    sim = await startOpenStackSimulator();
    // One server a page: the pages read tell how many servers Nova answered with.
    const client = createOpenStackClient(sim.credentials, { pageSize: 1 });
    await createMany(client, 'foo-0', 3);
    await createMany(client, 'foo-0-1', 2);
    await client.createServer({ ...SPEC, name: 'FOO-0-9' }); // MySQL's REGEXP matches it, ignoring case
    await client.createServer({ ...SPEC, name: 'foo-0-x' });
    const listed = await client.session.request<{ servers: { name: string }[] }>('compute', 'GET', '/servers/detail', {
      query: { name: '^foo-0-[0-9]+$' },
    });
    expect(listed.body.servers.map((s) => s.name).sort()).toEqual(['FOO-0-9', 'foo-0-1', 'foo-0-2', 'foo-0-3']);
    const namesOf = async (prefix: string) =>
      (await client.listServers({ runnerNamePrefix: prefix })).map((s) => s.name).sort();
    sim.resetStats();
    expect(await namesOf('foo-0')).toEqual(['foo-0-1', 'foo-0-2', 'foo-0-3']);
    expect(sim.stats.calls['compute GET /servers/detail']).toBe(5);
    expect(sim.stats.serversListed).toBe(4);
    expect(sim.stats.serverLookups).toBe(0);
    expect(await namesOf('foo-0-1')).toEqual(['foo-0-1-1', 'foo-0-1-2']);
  });

  test('find by name is exact, whatever regex characters the name holds', async () => {
    sim = await startOpenStackSimulator();
    const client = createOpenStackClient(sim.credentials);
    const names = ['a.b+c(1)', 'A.B+C(1)', 'aXb+c(1)', 'a.b+c(1)-2', 'x-a.b+c(1)', 'run[1', 'r$^|*?{2}\\'];
    for (const name of names) await client.createServer({ ...SPEC, name });
    sim.resetStats();
    for (const name of names) expect((await client.findServerByName(name))?.name).toBe(name);
    expect(await client.findServerByName('a.b+c')).toBeUndefined();
    expect(escapeRegex('a.b+c(1)')).toBe('a\\.b\\+c\\(1\\)');
    // Each find is counted as a look-up (the benchmarks keep them apart from fleet lists).
    expect(sim.stats.serverLookups).toBe(names.length + 1);
  });

  test.each([
    ['^foo-0-1$', true],
    ['^a\\.b\\+c\\(1\\)$', true],
    ['^foo-0-[0-9]+$', false],
    ['^a.b$', false],
    ['foo-0-1', false],
    ['^foo|bar$', false],
  ])('the name filter %s is a look-up by name: %s', (filter, lookup) => {
    expect(isNameLookup(filter)).toBe(lookup);
  });

  test('of two servers with the same name, find answers the older', async () => {
    sim = await startOpenStackSimulator();
    const client = createOpenStackClient(sim.credentials);
    const first = await client.createServer({ ...SPEC, name: 'twin' });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await client.createServer({ ...SPEC, name: 'twin' });
    expect((await client.findServerByName('twin'))?.id).toBe(first.id);
  });

  test('delete: deleted, then gone', async () => {
    sim = await startOpenStackSimulator();
    const client = createOpenStackClient(sim.credentials);
    const { id } = await client.createServer({ ...SPEC, name: 'doomed' });
    expect(await client.deleteServer(id)).toBe('deleted');
    expect(await client.deleteServer(id)).toBe('gone');
    expect(await client.deleteServer('00000000-0000-0000-0000-000000000000')).toBe('gone');
    expect(await client.getServer(id)).toBeUndefined();
    expect(sim.servers()).toEqual([]);
  });

  test('a server put in ERROR lists with its fault', async () => {
    sim = await startOpenStackSimulator();
    const client = createOpenStackClient(sim.credentials);
    const { id } = await client.createServer({ ...SPEC, name: 'sick' });
    sim.setServerStatus(id, 'ERROR', 'No valid host was found.');
    expect(await client.listServers()).toEqual([
      expect.objectContaining({ id, status: 'ERROR', fault: 'No valid host was found.' }),
    ]);
  });

  test.each([
    ['a metadata value over 255 characters', { metadata: { flavor: 'f'.repeat(256) } }, 'longer than 255 characters'],
    ['a metadata key Nova refuses', { metadata: { 'runner/flavor': 'small' } }, 'metadata key "runner/flavor" is not'],
    ['an empty metadata key', { metadata: { '': 'small' } }, 'metadata key "" is not'],
    ['a name ending in a space', { name: 'x ' }, 'name starts or ends with whitespace'],
  ])('%s fails before any call', async (_, change, message) => {
    sim = await startOpenStackSimulator();
    const client = createOpenStackClient(sim.credentials);
    const err = await rejection(client.createServer({ ...SPEC, name: 'x', ...change }));
    expect(err).toMatchObject({ kind: 'bad-request', retryable: false });
    expect(err.message).toContain(message);
    expect(client.stats().calls).toEqual({ keystone: 0, compute: 0, image: 0, network: 0 });
  });
});

test('the simulator boots well over a thousand servers on its one timer', async () => {
  sim = await startOpenStackSimulator({ bootDelayMs: 200 });
  const client = createOpenStackClient(sim.credentials);
  let active = 0;
  sim.onServerActive(() => {
    active += 1;
  });
  await createMany(client, 'load', 1200);
  await eventually(
    async () => active,
    (n) => n === 1200,
    { what: 'every server active' },
  );
  expect(active).toBe(1200);
  expect((await client.listServers()).every((s) => s.status === 'ACTIVE')).toBe(true);
});
