import type { Reply } from '../../http';
import { page } from '../paging';
import type { SimState } from '../state';
import { flavorView } from '../views';
import { notFound, type Context, type Route } from '../wire';

/** Nova's flavors: list (by id, paged), with or without details, and show. */
export function flavorRoutes({ flavors, pageSizeMax }: SimState): Route[] {
  const listFlavors = (ctx: Context, detail: boolean): Reply => {
    const path = detail ? '/flavors/detail' : '/flavors';
    const positionOf = (id: string) => {
      const at = flavors.findIndex((f) => f.id === id);
      return at < 0 ? undefined : at;
    };
    const result = page(flavors, ctx, path, positionOf, pageSizeMax);
    if ('status' in result) return result;
    const body: Record<string, unknown> = { flavors: result.rows.map((f) => flavorView(f, ctx, detail)) };
    if (result.links) body.flavors_links = result.links;
    return { status: 200, body };
  };

  return [
    {
      service: 'compute',
      method: 'GET',
      pattern: /^\/flavors\/detail$/,
      route: '/flavors/detail',
      handle: (ctx) => listFlavors(ctx, true),
    },
    {
      service: 'compute',
      method: 'GET',
      pattern: /^\/flavors$/,
      route: '/flavors',
      handle: (ctx) => listFlavors(ctx, false),
    },
    {
      service: 'compute',
      method: 'GET',
      pattern: /^\/flavors\/([^/]+)$/,
      route: '/flavors/{id}',
      handle: (ctx) => {
        const flavor = flavors.find((f) => f.id === ctx.params[0]);
        return flavor
          ? { status: 200, body: { flavor: flavorView(flavor, ctx, true) } }
          : notFound('compute', `Flavor ${ctx.params[0]} could not be found.`);
      },
    },
  ];
}
