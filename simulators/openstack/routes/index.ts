import { versionDocument } from '../microversion';
import type { SimState } from '../state';
import type { Route } from '../wire';
import { flavorRoutes } from './flavors';
import { identityRoutes } from './identity';
import { imageRoutes } from './image';
import { networkRoutes } from './network';
import { serverRoutes } from './servers';

/**
 * Every API route, by service; paths are relative to the service's endpoint (compute's is `/compute/v2.1`).
 * Within a service the first route whose pattern matches names the call, so `/servers/detail` precedes
 * `/servers/{id}`.
 */
export function routes(state: SimState): Route[] {
  return [
    ...identityRoutes(state),
    {
      service: 'compute',
      method: 'GET',
      pattern: /^\/?$/,
      route: '/',
      public: true,
      handle: (ctx) => ({ status: 200, body: { version: versionDocument(ctx.endpoint, state.maxMicroversion) } }),
    },
    ...serverRoutes(state),
    ...flavorRoutes(state),
    ...imageRoutes(state),
    ...networkRoutes(state),
  ];
}
