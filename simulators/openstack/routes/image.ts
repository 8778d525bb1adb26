import type { SimState } from '../state';
import { imageView } from '../views';
import { notFound, type Context, type Route } from '../wire';

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

/** Glance: its versions, image lookups by name and status, or by id. */
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
      handle: (ctx) => {
        const name = ctx.query.get('name');
        const status = ctx.query.get('status');
        const rows = images.filter(
          (i) => (name === null || i.name === name) && (status === null || i.status === status),
        );
        return {
          status: 200,
          body: {
            images: rows.map(imageView),
            first: `/v2/images?${ctx.query.toString()}`,
            schema: '/v2/schemas/images',
          },
        };
      },
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
