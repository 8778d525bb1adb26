import type { Reply } from '../../http';
import type { SimImage, SimState } from '../state';
import { imageView } from '../views';
import { errorReply, notFound, type Context, type Route } from '../wire';

/**
 * The versions Glance lists, as glance/api/versions.py (openstack/glance) builds them for a cloud with an
 * image cache and no multiple stores: every 2.x is served under `/v2`.
 */
const GLANCE_VERSIONS: [string, string][] = [
  ['2.18', 'CURRENT'],
  ...['2.17', '2.16', '2.15', '2.14', '2.9', '2.7', '2.6', '2.5', '2.4', '2.3', '2.2', '2.1', '2.0'].map(
    (v): [string, string] => [v, 'SUPPORTED'],
  ),
];

const versions = (ctx: Context) => ({
  versions: GLANCE_VERSIONS.map(([version, status]) => ({
    id: `v${version}`,
    status,
    links: [{ rel: 'self', href: `${ctx.endpoint}/v2/` }],
  })),
});

/** Glance's page size (limit_param_default) and its cap (api_limit_max). */
const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 1000;

/** A filter value: `in:a,b` is any of them, as Glance reads `id` and `name`. */
const matches = (filter: string | null, value: string) =>
  filter === null || (filter.startsWith('in:') ? filter.slice(3).split(',').includes(value) : filter === value);

/**
 * `GET /v2/images` as Glance answers a project: newest first (created_at, then id, descending), os_hidden
 * images left out unless `os_hidden=true` asks for them alone, `name`, `id` and `status` filters, pages
 * of `limit` (25 by default) with a `next` link whenever a page is full.
 */
function listImages(images: SimImage[], ctx: Context): Reply {
  const { query } = ctx;
  const limit = Math.min(Number(query.get('limit') ?? DEFAULT_LIMIT), MAX_LIMIT);
  if (!Number.isInteger(limit) || limit < 0) return errorReply('image', 400, 'limit param must be an integer');
  const hidden = query.get('os_hidden') === 'true';
  const rows = images
    .filter(
      (i) =>
        i.hidden === hidden &&
        matches(query.get('name'), i.name) &&
        matches(query.get('id'), i.id) &&
        matches(query.get('status'), i.status),
    )
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  const marker = query.get('marker');
  const start = marker === null ? 0 : rows.findIndex((i) => i.id === marker) + 1;
  if (marker !== null && start === 0) return errorReply('image', 400, `marker ${marker} not found`);
  const page = rows.slice(start, start + limit);
  // As Glance's serializer: `first` is the query without its marker; a full page gets a `next`.
  const params = new URLSearchParams(query);
  params.delete('marker');
  const body: Record<string, unknown> = {
    images: page.map(imageView),
    first: params.size ? `/v2/images?${params.toString()}` : '/v2/images',
    schema: '/v2/schemas/images',
  };
  if (page.length > 0 && page.length === limit) {
    params.set('marker', page[page.length - 1].id);
    body.next = `/v2/images?${params.toString()}`;
  }
  return { status: 200, body };
}

/** Glance: its versions, image lists and lookups by id. */
export function imageRoutes({ images }: SimState): Route[] {
  return [
    // The root (and any path naming no version) answers 300; `/versions` answers 200 (version_negotiation.py).
    {
      service: 'image',
      method: 'GET',
      pattern: /^\/?$/,
      route: '/',
      public: true,
      handle: (ctx) => ({ status: 300, body: versions(ctx) }),
    },
    {
      service: 'image',
      method: 'GET',
      pattern: /^\/versions\/?$/,
      route: '/versions',
      public: true,
      handle: (ctx) => ({ status: 200, body: versions(ctx) }),
    },
    {
      service: 'image',
      method: 'GET',
      pattern: /^\/v2\/images$/,
      route: '/v2/images',
      handle: (ctx) => listImages(images, ctx),
    },
    {
      service: 'image',
      method: 'GET',
      pattern: /^\/v2\/images\/([^/]+)$/,
      route: '/v2/images/{id}',
      handle: (ctx) => {
        const image = images.find((i) => i.id === ctx.params[0]);
        return image
          ? { status: 200, body: imageView(image) }
          : notFound('image', `No image found with ID ${ctx.params[0]}`);
      },
    },
  ];
}
