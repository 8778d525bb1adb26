import { KeystoneSession } from '../../activities/openstack';
import { startOpenStackSimulator, type OpenStackSimulator } from '../../simulators/openstack';

/** Glance's image list as a project sees it: filters, os_hidden, newest first, pages of 25. */

let sim: OpenStackSimulator;
afterEach(() => sim?.close());

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const created = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString().replace('.000', '');

async function list(session: KeystoneSession, query: Record<string, string>) {
  return (await session.request('image', 'GET', '/images', { query })).body as {
    images: { id: string; os_hidden: boolean }[];
    next?: string;
    first: string;
  };
}

test('filters by name and by id (in:), hides os_hidden images unless asked, pages newest first', async () => {
  const images = Array.from({ length: 30 }, (_, i) => ({
    id: id(i),
    name: i < 28 ? 'ci' : 'other',
    createdAt: created(i),
  }));
  sim = await startOpenStackSimulator({
    images: [...images, { id: id(99), name: 'ci', hidden: true, createdAt: created(99) }],
  });
  const session = new KeystoneSession(sim.credentials);

  const first = await list(session, { name: 'ci' });
  expect(first.images.map((i) => i.id)).toEqual(Array.from({ length: 25 }, (_, i) => id(27 - i)));
  expect(first.next).toBe(`/v2/images?name=ci&marker=${id(3)}`);
  const marker = new URLSearchParams(first.next?.split('?')[1]).get('marker') ?? '';
  const second = await list(session, { name: 'ci', marker });
  expect(second.images.map((i) => i.id)).toEqual([id(2), id(1), id(0)]);
  expect(second).toMatchObject({ first: '/v2/images?name=ci' });
  expect(second.next).toBeUndefined();

  expect((await list(session, { id: `in:${id(1)},${id(29)}` })).images.map((i) => i.id)).toEqual([id(29), id(1)]);
  expect((await list(session, { os_hidden: 'true' })).images).toEqual([
    expect.objectContaining({ id: id(99), os_hidden: true }),
  ]);
  expect((await session.request('image', 'GET', `/images/${id(99)}`)).status).toBe(200);
});
