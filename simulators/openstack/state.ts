import { resolveLayout, type ResolvedLayout } from './catalog';
import { DEFAULT_FLAVORS, DEFAULT_IMAGES, DEFAULT_NETWORKS, DEFAULT_USERS } from './defaults';
import { seededRandom } from '../seeded-random';
import { defaultFaults } from './faults';
import { Identity } from './identity';
import { ServerStore, isoSeconds } from './servers';
import { emptyStats } from './stats';
import type { FaultSettings, OpenStackSimulatorOptions, OpenStackSimulatorStats } from './types';

export interface SimImage {
  id: string;
  name: string;
  status: string;
  hidden: boolean;
  createdAt: string;
}

export interface SimFlavor {
  id: string;
  name: string;
  vcpus: number;
  ram: number;
  disk: number;
}

export interface SimNetwork {
  id: string;
  name: string;
  /** Shared by another project: listed to every project, owned by none of theirs. */
  shared?: boolean;
}

/** Everything one simulated cloud holds, shared by its routes, its control API and its handle. */
export interface SimState {
  tokenTtlMs: number;
  /** Nova's max_limit. */
  pageSizeMax: number;
  maxMicroversion: string;
  /** The fault dice. */
  random: () => number;
  identity: Identity;
  images: SimImage[];
  /** By id, the order Nova lists them in. */
  flavors: SimFlavor[];
  networks: SimNetwork[];
  servers: ServerStore;
  /** Live, and the very object the handle exposes: changed in place, never replaced. */
  faults: FaultSettings;
  /** Replaced by a reset. */
  stats: OpenStackSimulatorStats;
  layout: ResolvedLayout;
  /** `http://host:port`, once listening. */
  baseUrl: string;
  /** Aborts injected latencies when the simulator closes. */
  closing: AbortController;
}

/** Nova refuses a second flavor of one name (FlavorExists), so a cloud never has two. */
function uniqueFlavorNames(flavors: SimFlavor[]): SimFlavor[] {
  const twice = flavors.find((flavor, i) => flavors.findIndex((other) => other.name === flavor.name) !== i);
  if (twice) throw new Error(`flavor name ${twice.name} is given twice: Nova keeps flavor names unique`);
  return flavors;
}

export function createState(options: OpenStackSimulatorOptions): SimState {
  const identity = new Identity(options.users ?? DEFAULT_USERS);
  if (identity.users.length === 0) throw new Error('the simulator needs at least one user');
  return {
    tokenTtlMs: options.tokenTtlMs ?? 60 * 60_000,
    pageSizeMax: options.pageSizeMax ?? 1000,
    maxMicroversion: options.maxMicroversion ?? '2.96',
    random: options.seed === undefined ? Math.random : seededRandom(options.seed),
    identity,
    images: (options.images ?? DEFAULT_IMAGES).map((image) => ({
      status: 'active',
      hidden: false,
      createdAt: isoSeconds(Date.now()),
      ...image,
    })),
    flavors: uniqueFlavorNames([...(options.flavors ?? DEFAULT_FLAVORS)].sort((a, b) => a.id.localeCompare(b.id))),
    networks: options.networks ?? DEFAULT_NETWORKS,
    servers: new ServerStore(options.bootDelayMs ?? 2000),
    faults: defaultFaults(),
    stats: emptyStats(),
    layout: resolveLayout(options.catalog),
    baseUrl: '',
    closing: new AbortController(),
  };
}
