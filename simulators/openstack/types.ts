import type { ApplicationCredentials, PasswordCredentials } from '../../activities/openstack/credentials';

/** The public face of the OpenStack simulator: its options, settings, records and handle. */

export type SimService = 'identity' | 'compute' | 'image' | 'network';
export type SimInterface = 'public' | 'internal' | 'admin';

/**
 * The layout of the service catalog, as real clouds register their endpoints. The simulator serves every
 * endpoint it lists: the first region's `public` interface at the root, another interface under
 * `/<interface>`, another region under `/region/<name>` (`/region/RegionTwo/internal/compute/v2.1`).
 */
export interface CatalogLayout {
  /** Default `['RegionOne']`. */
  regions?: string[];
  /** Default `['public', 'internal']`. */
  interfaces?: SimInterface[];
  /** One catalog entry per service type with every region's endpoints (default, as devstack), or one per region. */
  entries?: 'per-service' | 'per-region';
  /**
   * A service's endpoint path, starting with its prefix (`/identity`, `/compute`, `/image`, `/networking`);
   * `{project_id}` is the token's project. Defaults are devstack's: `/compute/v2.1`, `/image`, `/networking`.
   * Others seen in real catalogs: `/image/v2`, `/networking/v2.0`, `/compute/v2.1/{project_id}`, `/compute`.
   */
  paths?: Partial<Record<SimService, string>>;
}

export interface SimUser {
  name: string;
  password: string;
  /** Domain name; default `Default` (id `default`). */
  domain?: string;
  /** The one project the user is a member of (in the same domain); default `runners`. */
  project?: string;
  applicationCredentials?: { name: string; secret: string }[];
}

export interface OpenStackSimulatorOptions {
  /** Default 0: any free port. */
  port?: number;
  host?: string;
  /** BUILD → ACTIVE after this long. Default 2000. */
  bootDelayMs?: number;
  /** Token lifetime. Default 1 h. */
  tokenTtlMs?: number;
  /** Default: one user `autoscaler` in project `runners`, with an application credential `autoscaler-app`. */
  users?: SimUser[];
  /** Nova's max_limit: the most servers or flavors one page holds. Default 1000. */
  pageSizeMax?: number;
  /** The newest compute microversion. Default 2.96. */
  maxMicroversion?: string;
  /**
   * Glance's images; names need not be unique (a replaced image keeps its name). `hidden` is os_hidden:
   * left out of lists unless asked for, as Glance does; `createdAt` an ISO time (default: the start).
   */
  images?: { id: string; name: string; status?: string; hidden?: boolean; createdAt?: string }[];
  /** Nova's flavors: their names are unique, as Nova keeps them (a duplicate name is refused). */
  flavors?: { id: string; name: string; vcpus: number; ram: number; disk: number }[];
  /** Neutron's networks: the project's own, or `shared` ones of another project, names not unique. */
  networks?: { id: string; name: string; shared?: boolean }[];
  /** Seed of the fault dice, for repeatable runs; Math.random when absent. */
  seed?: number;
  catalog?: CatalogLayout;
}

export interface FaultSettings {
  /** Added before each answer. */
  latencyMs: number;
  /** Fraction answered with an error: errorStatus (4xx or 5xx), or 500 and 503 alike when unset. */
  errorRate: number;
  errorStatus?: number;
  /** Fraction answered 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitRate: number;
  retryAfterSeconds: number;
  /** Fraction whose connection is destroyed without an answer. */
  dropRate: number;
  /** Drop after the request took effect (the server was created, say) rather than before. */
  dropAfterHandling: boolean;
  /** Stop injecting (but latency) after this many faults; counts down. Unset: no limit. */
  maxFaults?: number;
  /** Scope: only requests of this service, method and route (as in stats: `/servers`, `/servers/{id}`). */
  service?: SimService;
  method?: string;
  route?: string;
}

export interface SimServer {
  id: string;
  name: string;
  status: string;
  metadata: Record<string, string>;
  /** user_data as sent, decoded. */
  userData?: string;
  imageId: string;
  flavorId: string;
  networkIds: string[];
  keyName?: string;
  securityGroups: string[];
  created: string;
  projectId: string;
  fault?: string;
}

export interface OpenStackSimulatorStats {
  /** By `<service> <METHOD> <route>`, e.g. `compute GET /servers/detail`; unknown routes as `(unknown)`. */
  calls: Record<string, number>;
  tokensIssued: number;
  /** 401 answers for a missing, unknown, expired or revoked token, or wrong credentials. */
  unauthorized: number;
  /** API requests by the endpoint they came in on: `<region> <interface> <service>`, `RegionOne public compute`. */
  endpoints: Record<string, number>;
  /** Compute requests by the microversion they asked for (`none` without a header). */
  microversions: Record<string, number>;
  /** Servers in the answers of server lists (GET /servers, /servers/detail), every page counted. */
  serversListed: number;
  /** Server lists whose name filter can match one name only (`^name$`, see isNameLookup): a look-up, not a list. */
  serverLookups: number;
  /** Each POST /servers: when it arrived and was answered (Date.now()), the name, and how it was answered. */
  createRequests: { name: string; at: number; status?: number | 'dropped'; answeredAt?: number }[];
  faults: { latency: number; error: number; rateLimit: number; drop: number };
}

export interface OpenStackSimulator {
  /** `http://host:port/identity/v3`, as in most clouds.yaml files. */
  authUrl: string;
  /** `http://host:port`. */
  baseUrl: string;
  /** Password credentials of the first user, ready for createOpenStackClient. */
  credentials: PasswordCredentials;
  /** The first user's first application credential, by id. */
  applicationCredentials: ApplicationCredentials;
  images: { id: string; name: string }[];
  flavors: { id: string; name: string }[];
  networks: { id: string; name: string }[];
  servers(): SimServer[];
  /** Called as a server turns ACTIVE; returns an unsubscribe function. */
  onServerActive(callback: (server: SimServer) => void): () => void;
  /** Called as a server is deleted; returns an unsubscribe function. */
  onServerDeleted(callback: (server: SimServer) => void): () => void;
  /** ERROR (with a fault message), ACTIVE, SHUTOFF, ...; throws for an unknown id. */
  setServerStatus(id: string, status: string, fault?: string): void;
  /** Slow boots: BUILD → ACTIVE takes this long for servers made from now on (the bootDelayMs option at start). */
  setBootDelay(ms: number): void;
  /** Every token issued so far stops working (the next call answers 401). */
  revokeTokens(): void;
  /** Live: change fields directly, or replace all with setFaults. */
  faults: FaultSettings;
  setFaults(faults?: Partial<FaultSettings>): void;
  /** Live counters. */
  stats: OpenStackSimulatorStats;
  resetStats(): void;
  close(): Promise<void>;
}
