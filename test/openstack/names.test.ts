import { createOpenStackClient, OpenStackError } from '../../activities/openstack';
import { startOpenStackSimulator, type OpenStackSimulator } from '../../simulators/openstack';
import { rejection } from './support';

/** Images, flavors and networks by name or id: lookups, their cache, and names that match several. */

let sim: OpenStackSimulator;
afterEach(() => sim?.close());

const SPEC = { image: 'ubuntu-24.04', flavor: 'm1.small', network: 'runners-net' };
const OLD = '11111111-1111-4111-8111-111111111111';
const NEW = '22222222-2222-4222-8222-222222222222';

describe('image, flavor and network names', () => {
  test('are resolved once and cached, concurrent creates sharing the lookups', async () => {
    sim = await startOpenStackSimulator();
    const client = createOpenStackClient(sim.credentials);
    await Promise.all(Array.from({ length: 10 }, (_, i) => client.createServer({ ...SPEC, name: `c-${i}` })));
    await client.createServer({ ...SPEC, name: 'c-10' });
    expect(sim.stats.calls).toMatchObject({
      'image GET /v2/images': 1,
      'network GET /v2.0/networks': 1,
      'compute GET /flavors': 1,
      'compute POST /servers': 11,
    });
    expect(client.stats().calls).toMatchObject({ keystone: 1, image: 1, network: 1, compute: 13 });
  });

  test('ids are accepted: uuids are looked up by id first, flavors matched by id', async () => {
    sim = await startOpenStackSimulator();
    const client = createOpenStackClient(sim.credentials);
    await client.createServer({ name: 'by-id', image: sim.images[1].id, flavor: '4', network: sim.networks[0].id });
    expect(sim.servers()[0]).toMatchObject({
      imageId: sim.images[1].id,
      flavorId: '4',
      networkIds: [sim.networks[0].id],
    });
    expect(sim.stats.calls).toMatchObject({ 'image GET /v2/images/{id}': 1, 'network GET /v2.0/networks/{id}': 1 });
    expect(sim.stats.calls['image GET /v2/images']).toBeUndefined();
  });

  test('flavor lookup pages through the flavor list', async () => {
    sim = await startOpenStackSimulator({ pageSizeMax: 2 });
    const client = createOpenStackClient(sim.credentials);
    await client.createServer({ ...SPEC, flavor: 'runner.xlarge', name: 'big' });
    expect(sim.servers()[0].flavorId).toBe(sim.flavors.find((f) => f.name === 'runner.xlarge')?.id);
    expect(sim.stats.calls['compute GET /flavors']).toBe(2);
  });

  test('an unknown name is a clear, non-retryable error, and is asked again next time', async () => {
    sim = await startOpenStackSimulator();
    const client = createOpenStackClient(sim.credentials);
    const err = await rejection(client.createServer({ ...SPEC, image: 'ubuntu-99.04', name: 'x' }));
    expect(err).toBeInstanceOf(OpenStackError);
    expect(err).toMatchObject({ kind: 'not-found', retryable: false });
    expect(err.message).toBe('image "ubuntu-99.04" not found (no such id or name)');
    await expect(client.createServer({ ...SPEC, flavor: 'm9.huge', name: 'x' })).rejects.toThrow(
      'flavor "m9.huge" not found',
    );
    await expect(client.createServer({ ...SPEC, network: 'nope-net', name: 'x' })).rejects.toThrow(
      'network "nope-net" not found',
    );
    await rejection(client.createServer({ ...SPEC, image: 'ubuntu-99.04', name: 'x' }));
    // ubuntu-99.04 twice, ubuntu-24.04 (for the flavor and network attempts) once.
    expect(sim.stats.calls['image GET /v2/images']).toBe(3);
    expect(sim.stats.calls['compute POST /servers']).toBeUndefined();
  });

  test('a flavor id wins over a flavor of that name', async () => {
    sim = await startOpenStackSimulator({
      flavors: [
        { id: '2', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 },
        { id: '7', name: '2', vcpus: 2, ram: 4096, disk: 40 },
      ],
    });
    const client = createOpenStackClient(sim.credentials);
    await client.createServer({ ...SPEC, flavor: '2', name: 'by-id' });
    await client.createServer({ ...SPEC, flavor: '7', name: 'by-other-id' });
    expect(sim.servers().map((s) => s.flavorId)).toEqual(['2', '7']);
  });
});

describe('a name that matches several resources', () => {
  test('two images of one name (a replaced image): an error naming both ids, newest first, with when each was made', async () => {
    sim = await startOpenStackSimulator({
      images: [
        { id: OLD, name: 'ubuntu-24.04', createdAt: '2026-01-05T10:00:00Z' },
        { id: NEW, name: 'ubuntu-24.04', createdAt: '2026-03-01T08:30:00Z' },
      ],
    });
    const client = createOpenStackClient(sim.credentials);
    const err = await rejection(client.createServer({ ...SPEC, name: 'x' }));
    expect(err).toMatchObject({ kind: 'ambiguous', retryable: false });
    expect(err.message).toBe(
      `image name "ubuntu-24.04" is ambiguous (ids ${NEW} (active, created 2026-03-01T08:30:00Z), ` +
        `${OLD} (active, created 2026-01-05T10:00:00Z)): configure an id`,
    );
    expect(sim.stats.calls['compute POST /servers']).toBeUndefined();
    // The id is taken wherever the name was.
    await client.createServer({ ...SPEC, image: NEW, name: 'by-id' });
    expect(sim.servers()[0].imageId).toBe(NEW);
  });

  test('the old image hidden (os_hidden), as clouds retire a replaced one, the name means the new one', async () => {
    sim = await startOpenStackSimulator({
      images: [
        { id: OLD, name: 'ubuntu-24.04', hidden: true },
        { id: NEW, name: 'ubuntu-24.04' },
      ],
    });
    const client = createOpenStackClient(sim.credentials);
    await client.createServer({ ...SPEC, name: 'x' });
    expect(sim.servers()[0].imageId).toBe(NEW);
    // Hidden from lists, not gone: its id still works.
    await client.createServer({ ...SPEC, image: OLD, name: 'y' });
    expect(sim.servers()[1].imageId).toBe(OLD);
  });

  test("a network of the project's and a shared one of the same name: an error naming both", async () => {
    sim = await startOpenStackSimulator({
      networks: [
        { id: OLD, name: 'runners-net' },
        { id: NEW, name: 'runners-net', shared: true },
      ],
    });
    const client = createOpenStackClient(sim.credentials);
    const err = await rejection(client.createServer({ ...SPEC, name: 'x' }));
    expect(err).toMatchObject({ kind: 'ambiguous', retryable: false });
    expect(err.message).toBe(
      `network name "runners-net" is ambiguous (ids ${OLD} (active), ${NEW} (active, shared)): configure an id`,
    );
    await client.createServer({ ...SPEC, network: NEW, name: 'by-id' });
    expect(sim.servers()[0].networkIds).toEqual([NEW]);
  });

  test('the simulator keeps flavor names unique, as Nova does', async () => {
    await expect(
      startOpenStackSimulator({
        flavors: [
          { id: '2', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 },
          { id: '3', name: 'm1.small', vcpus: 2, ram: 2048, disk: 20 },
        ],
      }).then((started) => started.close()),
    ).rejects.toThrow('flavor name m1.small is given twice: Nova keeps flavor names unique');
  });
});
