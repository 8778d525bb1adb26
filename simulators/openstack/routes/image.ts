import type { SimState } from '../state';
import { imageView } from '../views';
import { notFound, type Route } from '../wire';

/** Glance: image lookups by name and status, or by id. */
export function imageRoutes({ images }: SimState): Route[] {
  return [
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
          body: { images: rows.map(imageView), first: `/v2/images?${ctx.query}`, schema: '/v2/schemas/images' },
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
