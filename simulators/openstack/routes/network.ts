import type { SimState } from '../state';
import { networkView } from '../views';
import { notFound, type Route } from '../wire';

/** Neutron: network lookups by name, or by id. */
export function networkRoutes({ networks }: SimState): Route[] {
  return [
    {
      service: 'network',
      method: 'GET',
      pattern: /^\/v2\.0\/networks$/,
      route: '/v2.0/networks',
      handle: (ctx) => {
        const name = ctx.query.get('name');
        const rows = networks.filter((n) => name === null || n.name === name);
        return { status: 200, body: { networks: rows.map((n) => networkView(n, ctx)) } };
      },
    },
    {
      service: 'network',
      method: 'GET',
      pattern: /^\/v2\.0\/networks\/([^/]+)$/,
      route: '/v2.0/networks/{id}',
      handle: (ctx) => {
        const network = networks.find((n) => n.id === ctx.params[0]);
        return network
          ? { status: 200, body: { network: networkView(network, ctx) } }
          : notFound('network', `Network ${ctx.params[0]} could not be found.`);
      },
    },
  ];
}
