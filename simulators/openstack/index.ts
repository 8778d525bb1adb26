import { createServer } from 'node:http';
import { Secret } from '../../activities/openstack/secret';
import { closeServer, listen } from '../http';
import { replaceFaults } from './faults';
import { createHandler } from './handler';
import { createState } from './state';
import { emptyStats } from './stats';
import type { OpenStackSimulator, OpenStackSimulatorOptions } from './types';

/**
 * An OpenStack cloud on one loopback port, speaking the real wire formats of what the autoscaler and the
 * `openstack` CLI use: Keystone v3 (version discovery, tokens, revocation), Nova servers and flavors (with
 * microversions and Nova's request validation), Glance and Neutron lookups; every service checks the
 * token. Paths are laid out like devstack's:
 *
 *   /identity/v3/auth/tokens    Keystone (authUrl is `<base>/identity/v3`; the identity root works too)
 *   /compute/v2.1/...           Nova (version document at /compute/v2.1/, all versions at /compute/;
 *                               `/compute/v2.1/<project_id>/...` too, as Nova routes it)
 *   /image/v2/images            Glance (versions at /image/)
 *   /networking/v2.0/networks   Neutron
 *   /internal/<any of these>    the same services as the catalog's `internal` interface
 *   /control/...                the test's handle when the simulator runs as its own process (main.ts)
 *
 * The `catalog` option publishes other layouts real catalogs have (see CatalogLayout).
 *
 * Faults (latency, 5xx, 429, dropped connections) are injected per request, optionally only for one
 * service, method or route; see FaultSettings.
 */

export type {
  CatalogLayout,
  FaultSettings,
  OpenStackSimulator,
  OpenStackSimulatorOptions,
  OpenStackSimulatorStats,
  SimServer,
  SimInterface,
  SimService,
  SimUser,
} from './types';

export async function startOpenStackSimulator(options: OpenStackSimulatorOptions = {}): Promise<OpenStackSimulator> {
  const host = options.host ?? '127.0.0.1';
  const state = createState(options);
  const { identity, servers, faults } = state;

  const http = createServer(createHandler(state));
  const port = await listen(http, options.port ?? 0, host);
  const baseUrl = `http://${host}:${port}`;
  state.baseUrl = baseUrl;

  const firstUser = identity.users[0];
  const firstAppCredential = firstUser?.applicationCredentials[0];
  const authUrl = `${baseUrl}/identity/v3`;
  const common = {
    authUrl,
    region: state.layout.regions[0],
    interface: 'public' as const,
    source: 'OpenStack simulator',
  };

  return {
    authUrl,
    baseUrl,
    credentials: {
      ...common,
      authType: 'password',
      user: { name: firstUser.name, domainName: firstUser.domain.name },
      password: new Secret(firstUser.password),
      project: { name: firstUser.project.name, domainName: firstUser.project.domain.name },
    },
    applicationCredentials: {
      ...common,
      authType: 'v3applicationcredential',
      applicationCredential: { id: firstAppCredential?.id },
      secret: new Secret(firstAppCredential?.secret ?? ''),
    },
    images: state.images.map(({ id, name }) => ({ id, name })),
    flavors: state.flavors.map(({ id, name }) => ({ id, name })),
    networks: state.networks.map(({ id, name }) => ({ id, name })),
    servers: () => servers.list(),
    onServerActive: (callback) => servers.onActive(callback),
    onServerDeleted: (callback) => servers.onDeleted(callback),
    setServerStatus(id, status, fault) {
      const record = servers.get(id);
      if (!record) throw new Error(`no server ${id}`);
      servers.changeStatus(record, status, fault);
    },
    setBootDelay: (ms) => servers.setBootDelay(ms),
    revokeTokens: () => identity.revokeAll(),
    faults,
    setFaults: (next) => replaceFaults(faults, next),
    get stats() {
      return state.stats;
    },
    resetStats() {
      state.stats = emptyStats();
    },
    close: async () => {
      servers.stop();
      state.closing.abort();
      await closeServer(http);
    },
  };
}
