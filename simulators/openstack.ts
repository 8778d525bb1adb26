import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApplicationCredentials, PasswordCredentials } from '../activities/openstack/credentials';
import { Secret } from '../activities/openstack/secret';

/**
 * An OpenStack cloud on one loopback port, speaking the real wire formats of what the autoscaler uses:
 * Keystone v3 tokens, Nova servers and flavors (with microversions), Glance image and Neutron network
 * lookups. Paths are laid out like devstack's:
 *
 *   /identity/v3/auth/tokens    Keystone (authUrl is `<base>/identity/v3`; the identity root works too)
 *   /compute/v2.1/...           Nova (version document at /compute/v2.1/, all versions at /compute/)
 *   /image/v2/images            Glance
 *   /networking/v2.0/networks   Neutron
 *   /internal/<any of these>    the same services as the catalog's `internal` interface
 *   /control/...                the test's handle when the simulator runs as its own process
 *
 * Faults (latency, 5xx, 429, dropped connections) are injected per request, optionally only for one
 * service, method or route; see FaultSettings.
 */

export type SimService = 'identity' | 'compute' | 'image' | 'network';

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
  images?: { id: string; name: string; status?: string }[];
  flavors?: { id: string; name: string; vcpus: number; ram: number; disk: number }[];
  networks?: { id: string; name: string }[];
  /** Seed of the fault dice, for repeatable runs; Math.random when absent. */
  seed?: number;
}

export interface FaultSettings {
  /** Added before each answer. */
  latencyMs: number;
  /** Fraction answered with a 5xx (errorStatus, or 500 and 503 alike when unset). */
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
  /** Compute requests by the microversion they asked for (`none` without a header). */
  microversions: Record<string, number>;
  /** Each POST /servers: when it arrived (Date.now()), the name, and how it was answered. */
  createRequests: { name: string; at: number; status?: number | 'dropped' }[];
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
  /** ERROR (with a fault message), ACTIVE, SHUTOFF, ...; throws for an unknown id. */
  setServerStatus(id: string, status: string, fault?: string): void;
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

const DEFAULT_USERS: SimUser[] = [
  {
    name: 'autoscaler',
    password: 'simulated-password',
    domain: 'Default',
    project: 'runners',
    applicationCredentials: [{ name: 'autoscaler-app', secret: 'simulated-app-secret' }],
  },
];
const DEFAULT_IMAGES = [
  { id: '6d1f6c83-5a4c-4f8e-9b7e-0c2d1e5f3a01', name: 'ubuntu-24.04' },
  { id: '0b9a4f52-8e0f-4d3b-a1c6-7f5e2d4c9b02', name: 'ubuntu-22.04' },
];
const DEFAULT_FLAVORS = [
  { id: '2', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 },
  { id: '4', name: 'm1.large', vcpus: 4, ram: 8192, disk: 80 },
  { id: 'b7a3e1f0-3c2d-4e5f-8a9b-1c2d3e4f5a03', name: 'runner.xlarge', vcpus: 8, ram: 16384, disk: 160 },
];
const DEFAULT_NETWORKS = [{ id: '2f0c7c1e-6b5a-4d3c-9e8f-7a6b5c4d3e04', name: 'runners-net' }];
const REGION = 'RegionOne';
const MIN_MICROVERSION = '2.1';

function defaultFaults(): FaultSettings {
  return { latencyMs: 0, errorRate: 0, rateLimitRate: 0, retryAfterSeconds: 1, dropRate: 0, dropAfterHandling: false };
}

function emptyStats(): OpenStackSimulatorStats {
  return {
    calls: {},
    tokensIssued: 0,
    unauthorized: 0,
    microversions: {},
    createRequests: [],
    faults: { latency: 0, error: 0, rateLimit: 0, drop: 0 },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Identity

interface Project {
  id: string;
  name: string;
  domain: Domain;
}
interface Domain {
  id: string;
  name: string;
}
interface User {
  id: string;
  name: string;
  password: string;
  domain: Domain;
  project: Project;
  applicationCredentials: { id: string; name: string; secret: string }[];
}
interface TokenInfo {
  expiresAt: number;
  user: User;
  project: Project;
}

function hexId(): string {
  return randomBytes(16).toString('hex');
}

class Identity {
  readonly users: User[] = [];
  readonly #tokens = new Map<string, TokenInfo>();
  readonly #domains = new Map<string, Domain>();
  readonly #projects = new Map<string, Project>();

  constructor(users: SimUser[]) {
    for (const spec of users) {
      const domain = this.#domain(spec.domain ?? 'Default');
      const projectName = spec.project ?? 'runners';
      const projectKey = `${domain.id}/${projectName}`;
      let project = this.#projects.get(projectKey);
      if (!project) {
        project = { id: hexId(), name: projectName, domain };
        this.#projects.set(projectKey, project);
      }
      const applicationCredentials = (spec.applicationCredentials ?? []).map((a) => ({ ...a, id: hexId() }));
      this.users.push({
        id: hexId(),
        name: spec.name,
        password: spec.password,
        domain,
        project,
        applicationCredentials,
      });
    }
  }

  #domain(name: string): Domain {
    let domain = this.#domains.get(name);
    if (!domain) {
      domain = { id: name === 'Default' ? 'default' : hexId(), name };
      this.#domains.set(name, domain);
    }
    return domain;
  }

  validate(token: string | undefined): TokenInfo | undefined {
    const info = token === undefined ? undefined : this.#tokens.get(token);
    return info && info.expiresAt > Date.now() ? info : undefined;
  }

  revokeAll(): void {
    this.#tokens.clear();
  }

  /** The token for a POST /v3/auth/tokens body, or undefined for wrong credentials (401). */
  authenticate(body: unknown, ttlMs: number): { token: string; info: TokenInfo; methods: string[] } | undefined {
    const identity = (body as { auth?: { identity?: Record<string, unknown> } } | undefined)?.auth?.identity;
    const methods = identity?.methods;
    if (!Array.isArray(methods)) return undefined;
    let user: User | undefined;
    let project: Project | undefined;
    if (methods.includes('password')) {
      const spec = (identity?.password as { user?: Record<string, unknown> } | undefined)?.user;
      user = this.#findUser(spec);
      if (!user || typeof spec?.password !== 'string' || spec.password !== user.password) return undefined;
      const scope = (body as { auth: { scope?: { project?: Record<string, unknown> } } }).auth.scope?.project;
      // Each simulated user is a member of exactly its one project.
      if (!scope || !this.#sameProject(scope, user.project)) return undefined;
      project = user.project;
    } else if (methods.includes('application_credential')) {
      const spec = identity?.application_credential as Record<string, unknown> | undefined;
      const owners = spec?.id ? this.users : [this.#findUser(spec?.user as Record<string, unknown>)];
      for (const owner of owners) {
        const credential = owner?.applicationCredentials.find((a) =>
          spec?.id ? a.id === spec.id : a.name === spec?.name,
        );
        if (owner && credential && credential.secret === spec?.secret) {
          user = owner;
          project = owner.project;
        }
      }
    }
    if (!user || !project) return undefined;
    const token = `gAAAAA${randomBytes(48).toString('base64url')}`;
    const info = { expiresAt: Date.now() + ttlMs, user, project };
    this.#pruneExpired();
    this.#tokens.set(token, info);
    return { token, info, methods: methods.filter((m): m is string => typeof m === 'string') };
  }

  #findUser(spec: Record<string, unknown> | undefined): User | undefined {
    if (!spec) return undefined;
    if (typeof spec.id === 'string') return this.users.find((u) => u.id === spec.id);
    const domain = spec.domain as { id?: string; name?: string } | undefined;
    return this.users.find(
      (u) => u.name === spec.name && (u.domain.id === domain?.id || (!domain?.id && u.domain.name === domain?.name)),
    );
  }

  #sameProject(spec: Record<string, unknown>, project: Project): boolean {
    if (typeof spec.id === 'string') return spec.id === project.id;
    const domain = spec.domain as { id?: string; name?: string } | undefined;
    return (
      spec.name === project.name &&
      (project.domain.id === domain?.id || (!domain?.id && project.domain.name === domain?.name))
    );
  }

  #pruneExpired(): void {
    if (this.#tokens.size < 100) return;
    const now = Date.now();
    for (const [token, info] of this.#tokens) if (info.expiresAt <= now) this.#tokens.delete(token);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Compute state: servers and the BUILD → ACTIVE schedule

interface ServerRecord extends SimServer {
  seq: number;
  updated: string;
}

/**
 * Boots servers after a fixed delay. The delay is the same for all, so due times come in creation order:
 * a FIFO queue with one timer for its head copes with any number of servers.
 */
class BootQueue {
  #queue: { id: string; dueAt: number }[] = [];
  #head = 0;
  #timer?: NodeJS.Timeout;

  constructor(
    private readonly delayMs: number,
    private readonly boot: (id: string) => void,
  ) {}

  add(id: string): void {
    this.#queue.push({ id, dueAt: Date.now() + this.delayMs });
    if (!this.#timer) this.#arm();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    const next = this.#queue[this.#head];
    this.#timer = next ? setTimeout(() => this.#fire(), Math.max(0, next.dueAt - Date.now())) : undefined;
  }

  #fire(): void {
    const now = Date.now();
    while (this.#head < this.#queue.length && this.#queue[this.#head].dueAt <= now) {
      this.boot(this.#queue[this.#head].id);
      this.#head += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#arm();
  }
}

// ---------------------------------------------------------------------------------------------------------
// HTTP plumbing

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Context {
  service: SimService;
  method: string;
  params: string[];
  query: URLSearchParams;
  body: unknown;
  token?: TokenInfo;
  /** Negotiated compute microversion. */
  microversion: string;
  /** The endpoint this request came in on, e.g. `http://127.0.0.1:1234/compute/v2.1`. */
  endpoint: string;
}

interface Route {
  service: SimService;
  method: string;
  pattern: RegExp;
  route: string;
  /** The version documents and token issue need no token. */
  public?: boolean;
  handle: (ctx: Context) => Reply;
}

const SERVICE_PREFIX: Record<string, { service: SimService; base: string }> = {
  identity: { service: 'identity', base: '/identity' },
  compute: { service: 'compute', base: '/compute' },
  image: { service: 'image', base: '/image' },
  networking: { service: 'network', base: '/networking' },
};

/** Each service's own error body: Nova `{"itemNotFound": {...}}`, Neutron `{"NeutronError": ...}`, Glance text. */
function errorReply(service: SimService, status: number, message: string): Reply {
  if (status === 401 || service === 'identity') {
    const title = status === 401 ? 'Unauthorized' : 'Error';
    return { status, body: { error: { code: status, title, message } } };
  }
  if (service === 'image') {
    return {
      status,
      body: `${status} ${statusText(status)}\n\n${message}\n\n   `,
      headers: { 'Content-Type': 'text/plain' },
    };
  }
  if (service === 'network') {
    return { status, body: { NeutronError: { type: statusText(status).replace(/ /g, ''), message, detail: '' } } };
  }
  const key: Record<number, string> = {
    400: 'badRequest',
    403: 'forbidden',
    404: 'itemNotFound',
    406: 'notAcceptable',
    413: 'overLimit',
    429: 'overLimit',
    503: 'serviceUnavailable',
  };
  return { status, body: { [key[status] ?? 'computeFault']: { code: status, message } } };
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    404: 'Not Found',
    406: 'Not Acceptable',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return texts[status] ?? 'Error';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 1024 * 1024) req.destroy(new Error('request body over 1 MiB'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(text && { 'Content-Type': 'application/json' }),
    'x-openstack-request-id': `req-${randomUUID()}`,
    ...reply.headers,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function compareVersions(a: string, b: string): number {
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** Mulberry32: a tiny seeded PRNG, so that a fault pattern can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normalizeFaults(input: unknown): FaultSettings {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new Error('faults must be an object');
  const faults = defaultFaults();
  const known = new Set([...Object.keys(faults), 'errorStatus', 'maxFaults', 'service', 'method', 'route']);
  for (const [key, value] of Object.entries(input)) {
    if (!known.has(key)) throw new Error(`unknown fault setting "${key}"`);
    if (value === undefined) continue;
    const isRate = key.endsWith('Rate');
    if (isRate && (typeof value !== 'number' || value < 0 || value > 1)) throw new Error(`${key} must be in [0, 1]`);
    if (['latencyMs', 'retryAfterSeconds', 'maxFaults'].includes(key) && (typeof value !== 'number' || value < 0)) {
      throw new Error(`${key} must be a non-negative number`);
    }
    if (key === 'errorStatus' && (typeof value !== 'number' || value < 500 || value > 599)) {
      throw new Error('errorStatus must be a 5xx status');
    }
    if (key === 'dropAfterHandling' && typeof value !== 'boolean')
      throw new Error('dropAfterHandling must be a boolean');
    if (['service', 'method', 'route'].includes(key) && typeof value !== 'string')
      throw new Error(`${key} must be a string`);
    (faults as unknown as Record<string, unknown>)[key] = key === 'method' ? String(value).toUpperCase() : value;
  }
  return faults;
}

// ---------------------------------------------------------------------------------------------------------
// The simulator

export async function startOpenStackSimulator(options: OpenStackSimulatorOptions = {}): Promise<OpenStackSimulator> {
  const host = options.host ?? '127.0.0.1';
  const bootDelayMs = options.bootDelayMs ?? 2000;
  const tokenTtlMs = options.tokenTtlMs ?? 60 * 60_000;
  const pageSizeMax = options.pageSizeMax ?? 1000;
  const maxMicroversion = options.maxMicroversion ?? '2.96';
  const random = options.seed === undefined ? Math.random : seededRandom(options.seed);
  const identity = new Identity(options.users ?? DEFAULT_USERS);
  if (identity.users.length === 0) throw new Error('the simulator needs at least one user');
  const images = (options.images ?? DEFAULT_IMAGES).map((image) => ({ status: 'active', ...image }));
  const flavors = [...(options.flavors ?? DEFAULT_FLAVORS)].sort((a, b) => a.id.localeCompare(b.id));
  const networks = options.networks ?? DEFAULT_NETWORKS;

  const servers = new Map<string, ServerRecord>();
  /** The creation sequence of every server ever made, deleted ones too: a page marker may name a deleted server. */
  const sequenceOf = new Map<string, number>();
  let nextSeq = 1;
  const activeListeners = new Set<(server: SimServer) => void>();
  const faults = defaultFaults();
  let stats = emptyStats();
  let baseUrl = '';
  /** Aborts injected latencies when the simulator closes. */
  const closing = new AbortController();

  const publicView = (r: ServerRecord): SimServer => ({
    id: r.id,
    name: r.name,
    status: r.status,
    metadata: { ...r.metadata },
    ...(r.userData !== undefined && { userData: r.userData }),
    imageId: r.imageId,
    flavorId: r.flavorId,
    networkIds: [...r.networkIds],
    ...(r.keyName !== undefined && { keyName: r.keyName }),
    securityGroups: [...r.securityGroups],
    created: r.created,
    projectId: r.projectId,
    ...(r.fault !== undefined && { fault: r.fault }),
  });
  const changeStatus = (record: ServerRecord, status: string, fault?: string) => {
    const wasActive = record.status === 'ACTIVE';
    record.status = status;
    record.updated = isoSeconds(Date.now());
    record.fault = status === 'ERROR' ? (fault ?? 'simulated failure') : undefined;
    if (status === 'ACTIVE' && !wasActive) {
      for (const listener of activeListeners) {
        try {
          listener(publicView(record));
        } catch (err) {
          console.error('onServerActive listener failed:', err);
        }
      }
    }
  };
  const boots = new BootQueue(bootDelayMs, (id) => {
    const record = servers.get(id);
    if (record?.status === 'BUILD') changeStatus(record, 'ACTIVE');
  });

  // --- views in the wire format

  const flavorOf = (id: string) => flavors.find((f) => f.id === id);
  const serverDetail = (record: ServerRecord, ctx: Context) => {
    const flavor = flavorOf(record.flavorId);
    const network = networks.find((n) => n.id === record.networkIds[0]);
    const self = `${ctx.endpoint}/servers/${record.id}`;
    const vmState = { BUILD: 'building', ACTIVE: 'active', ERROR: 'error', SHUTOFF: 'stopped' }[record.status];
    return {
      id: record.id,
      name: record.name,
      status: record.status,
      tenant_id: record.projectId,
      user_id: ctx.token?.user.id,
      metadata: record.metadata,
      hostId: '',
      image: { id: record.imageId, links: [] },
      // Since 2.47 the flavor is embedded instead of referenced.
      flavor:
        compareVersions(ctx.microversion, '2.47') >= 0
          ? {
              vcpus: flavor?.vcpus,
              ram: flavor?.ram,
              disk: flavor?.disk,
              ephemeral: 0,
              swap: 0,
              original_name: flavor?.name,
              extra_specs: {},
            }
          : { id: record.flavorId, links: [] },
      created: record.created,
      updated: record.updated,
      addresses:
        record.status === 'ACTIVE' && network
          ? { [network.name]: [{ version: 4, addr: `10.0.${(record.seq >> 8) & 255}.${record.seq & 255}` }] }
          : {},
      accessIPv4: '',
      accessIPv6: '',
      links: [{ rel: 'self', href: self }],
      key_name: record.keyName ?? null,
      security_groups: record.securityGroups.map((name) => ({ name })),
      'OS-DCF:diskConfig': 'MANUAL',
      'OS-EXT-AZ:availability_zone': 'nova',
      'OS-EXT-STS:vm_state': vmState ?? record.status.toLowerCase(),
      'OS-EXT-STS:task_state': record.status === 'BUILD' ? 'spawning' : null,
      'OS-EXT-STS:power_state': record.status === 'ACTIVE' ? 1 : 0,
      'os-extended-volumes:volumes_attached': [],
      locked: false,
      tags: [],
      ...(record.fault && { fault: { code: 500, message: record.fault, created: record.updated } }),
    };
  };

  /**
   * Nova's paging: `limit` capped at max_limit, the rows after `marker`, and a `next` link whenever a page
   * is full. `rows` come in listing order; `positionOf` places any id in that order, deleted ones too.
   */
  const page = <T extends { id: string }>(
    rows: T[],
    ctx: Context,
    path: string,
    positionOf: (id: string) => number | undefined,
  ): { rows: T[]; links?: { rel: string; href: string }[] } | Reply => {
    const limitText = ctx.query.get('limit');
    const limit = limitText === null ? pageSizeMax : Number(limitText);
    if (!Number.isInteger(limit) || limit < 0) return errorReply('compute', 400, 'limit param must be an integer');
    const effective = Math.min(limit, pageSizeMax);
    const marker = ctx.query.get('marker');
    let selected = rows;
    if (marker !== null) {
      const at = positionOf(marker);
      if (at === undefined) return errorReply('compute', 400, `marker [${marker}] not found`);
      selected = rows.filter((row) => (positionOf(row.id) ?? -Infinity) > at);
    }
    selected = selected.slice(0, effective);
    if (selected.length === 0 || selected.length < effective) return { rows: selected };
    const next = new URLSearchParams(ctx.query);
    next.set('limit', String(effective));
    next.set('marker', selected[selected.length - 1].id);
    return { rows: selected, links: [{ rel: 'next', href: `${ctx.endpoint}${path}?${next}` }] };
  };

  const listServers = (ctx: Context, detail: boolean): Reply => {
    const nameFilter = ctx.query.get('name');
    let regex: RegExp | undefined;
    try {
      // Case-insensitive, as MySQL's REGEXP on Nova's display_name column.
      regex = nameFilter === null ? undefined : new RegExp(nameFilter, 'i');
    } catch {
      return errorReply('compute', 400, `Invalid filter: name "${nameFilter}" is not a regular expression`);
    }
    const status = ctx.query.get('status');
    // Newest first, as Nova's default sort (created_at desc).
    const rows = [...servers.values()]
      .reverse()
      .filter(
        (s) =>
          s.projectId === ctx.token?.project.id &&
          (!regex || regex.test(s.name)) &&
          (status === null || s.status === status.toUpperCase()),
      );
    const path = detail ? '/servers/detail' : '/servers';
    // Newest first: a higher sequence number comes earlier.
    const result = page(rows, ctx, path, (id) => {
      const seq = sequenceOf.get(id);
      return seq === undefined ? undefined : -seq;
    });
    if ('status' in result) return result;
    const body: Record<string, unknown> = {
      servers: result.rows.map((s) =>
        detail
          ? serverDetail(s, ctx)
          : { id: s.id, name: s.name, links: [{ rel: 'self', href: `${ctx.endpoint}/servers/${s.id}` }] },
      ),
    };
    if (result.links) body.servers_links = result.links;
    return { status: 200, body };
  };

  const ownServer = (ctx: Context): ServerRecord | undefined => {
    const record = servers.get(ctx.params[0]);
    return record && record.projectId === ctx.token?.project.id ? record : undefined;
  };

  const createServerRoute = (ctx: Context): Reply => {
    const bad = (message: string) => errorReply('compute', 400, message);
    const spec = (ctx.body as { server?: Record<string, unknown> } | undefined)?.server;
    if (!spec || typeof spec !== 'object') return bad('Invalid input for field/attribute server. Value: None.');
    const name = spec.name;
    if (typeof name !== 'string' || name.trim() === '' || name.length > 255) {
      return bad('Invalid input for field/attribute name.');
    }
    const image = images.find((i) => i.id === spec.imageRef);
    if (!image) return bad(`Image ${String(spec.imageRef)} could not be found.`);
    if (image.status !== 'active') return bad(`Image ${image.id} is not active.`);
    if (!flavorOf(String(spec.flavorRef))) return bad(`Flavor ${String(spec.flavorRef)} could not be found.`);
    const requested = spec.networks;
    let networkIds: string[] = [];
    if (Array.isArray(requested)) {
      networkIds = requested.map((n) => String((n as { uuid?: unknown })?.uuid));
      const unknown = networkIds.find((id) => !networks.some((n) => n.id === id));
      if (unknown) return bad(`Network ${unknown} could not be found.`);
    } else if (compareVersions(ctx.microversion, '2.37') >= 0 && requested !== 'auto' && requested !== 'none') {
      return bad("Invalid input for field/attribute networks. Value: None. None is not of type 'array', 'string'");
    }
    const metadata = spec.metadata ?? {};
    if (typeof metadata !== 'object' || Array.isArray(metadata))
      return bad('Invalid input for field/attribute metadata.');
    for (const [key, value] of Object.entries(metadata)) {
      if (!key || key.length > 255 || typeof value !== 'string' || value.length > 255) {
        return bad(`Invalid input for field/attribute metadata. Value: ${key}.`);
      }
    }
    let userData: string | undefined;
    if (spec.user_data !== undefined) {
      const text = spec.user_data;
      if (typeof text !== 'string' || text.length > 65535 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4) {
        return bad('User data needs to be valid base 64.');
      }
      userData = Buffer.from(text, 'base64').toString('utf8');
    }
    const groups = Array.isArray(spec.security_groups) ? spec.security_groups : [{ name: 'default' }];
    const now = Date.now();
    const record: ServerRecord = {
      id: randomUUID(),
      name,
      status: 'BUILD',
      metadata: { ...(metadata as Record<string, string>) },
      userData,
      imageId: image.id,
      flavorId: String(spec.flavorRef),
      networkIds,
      keyName: typeof spec.key_name === 'string' ? spec.key_name : undefined,
      securityGroups: groups.map((g) => String((g as { name?: unknown })?.name)),
      created: isoSeconds(now),
      updated: isoSeconds(now),
      projectId: ctx.token?.project.id ?? '',
      seq: nextSeq++,
    };
    servers.set(record.id, record);
    sequenceOf.set(record.id, record.seq);
    boots.add(record.id);
    const self = `${ctx.endpoint}/servers/${record.id}`;
    return {
      status: 202,
      headers: { Location: self },
      body: {
        server: {
          id: record.id,
          links: [{ rel: 'self', href: self }],
          'OS-DCF:diskConfig': 'MANUAL',
          security_groups: record.securityGroups.map((g) => ({ name: g })),
          adminPass: randomBytes(9).toString('base64url'),
        },
      },
    };
  };

  const flavorView = (flavor: (typeof flavors)[number], ctx: Context, detail: boolean) => ({
    id: flavor.id,
    name: flavor.name,
    links: [{ rel: 'self', href: `${ctx.endpoint}/flavors/${flavor.id}` }],
    description: null,
    ...(detail && {
      vcpus: flavor.vcpus,
      ram: flavor.ram,
      disk: flavor.disk,
      swap: 0,
      'OS-FLV-EXT-DATA:ephemeral': 0,
      'OS-FLV-DISABLED:disabled': false,
      'os-flavor-access:is_public': true,
      rxtx_factor: 1.0,
      extra_specs: {},
    }),
  });

  const listFlavors = (ctx: Context, detail: boolean): Reply => {
    const path = detail ? '/flavors/detail' : '/flavors';
    const result = page(flavors, ctx, path, (id) => {
      const at = flavors.findIndex((f) => f.id === id);
      return at < 0 ? undefined : at;
    });
    if ('status' in result) return result;
    const body: Record<string, unknown> = { flavors: result.rows.map((f) => flavorView(f, ctx, detail)) };
    if (result.links) body.flavors_links = result.links;
    return { status: 200, body };
  };

  const imageView = (image: (typeof images)[number]) => ({
    id: image.id,
    name: image.name,
    status: image.status,
    visibility: 'public',
    container_format: 'bare',
    disk_format: 'qcow2',
    min_disk: 0,
    min_ram: 0,
    protected: false,
    os_hidden: false,
    tags: [],
    self: `/v2/images/${image.id}`,
    file: `/v2/images/${image.id}/file`,
    schema: '/v2/schemas/image',
  });

  const networkView = (network: (typeof networks)[number], ctx: Context) => ({
    id: network.id,
    name: network.name,
    status: 'ACTIVE',
    admin_state_up: true,
    shared: false,
    'router:external': false,
    mtu: 1450,
    subnets: [],
    tenant_id: ctx.token?.project.id,
    project_id: ctx.token?.project.id,
  });

  const issueToken = (ctx: Context): Reply => {
    const issued = identity.authenticate(ctx.body, tokenTtlMs);
    if (!issued) {
      stats.unauthorized += 1;
      return errorReply('identity', 401, 'The request you have made requires authentication.');
    }
    stats.tokensIssued += 1;
    const { user, project, expiresAt } = issued.info;
    const endpoints = (path: string) =>
      (['public', 'internal'] as const).map((iface) => ({
        id: hexId(),
        interface: iface,
        region: REGION,
        region_id: REGION,
        url: `${baseUrl}${iface === 'internal' ? '/internal' : ''}${path}`,
      }));
    return {
      status: 201,
      headers: { 'X-Subject-Token': issued.token },
      body: {
        token: {
          methods: issued.methods,
          user: { id: user.id, name: user.name, domain: user.domain, password_expires_at: null },
          audit_ids: [randomBytes(16).toString('base64url')],
          expires_at: new Date(expiresAt).toISOString(),
          issued_at: new Date(expiresAt - tokenTtlMs).toISOString(),
          project: { id: project.id, name: project.name, domain: project.domain },
          is_domain: false,
          roles: [{ id: hexId(), name: 'member' }],
          catalog: [
            { id: hexId(), type: 'identity', name: 'keystone', endpoints: endpoints('/identity') },
            { id: hexId(), type: 'compute', name: 'nova', endpoints: endpoints('/compute/v2.1') },
            { id: hexId(), type: 'image', name: 'glance', endpoints: endpoints('/image') },
            { id: hexId(), type: 'network', name: 'neutron', endpoints: endpoints('/networking') },
          ],
        },
      },
    };
  };

  const versionDocument = (endpoint: string) => ({
    id: 'v2.1',
    status: 'CURRENT',
    version: maxMicroversion,
    min_version: MIN_MICROVERSION,
    updated: '2013-07-23T11:33:21Z',
    links: [{ rel: 'self', href: `${endpoint}/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
  });

  const notFound = (service: SimService, what: string) => errorReply(service, 404, what);
  const routes: Route[] = [
    {
      service: 'identity',
      method: 'POST',
      pattern: /^\/v3\/auth\/tokens$/,
      route: '/v3/auth/tokens',
      public: true,
      handle: issueToken,
    },
    {
      service: 'compute',
      method: 'GET',
      pattern: /^\/?$/,
      route: '/',
      public: true,
      handle: (ctx) => ({ status: 200, body: { version: versionDocument(ctx.endpoint) } }),
    },
    {
      service: 'compute',
      method: 'GET',
      pattern: /^\/servers\/detail$/,
      route: '/servers/detail',
      handle: (ctx) => listServers(ctx, true),
    },
    {
      service: 'compute',
      method: 'GET',
      pattern: /^\/servers$/,
      route: '/servers',
      handle: (ctx) => listServers(ctx, false),
    },
    { service: 'compute', method: 'POST', pattern: /^\/servers$/, route: '/servers', handle: createServerRoute },
    {
      service: 'compute',
      method: 'GET',
      pattern: /^\/servers\/([^/]+)$/,
      route: '/servers/{id}',
      handle: (ctx) => {
        const record = ownServer(ctx);
        return record
          ? { status: 200, body: { server: serverDetail(record, ctx) } }
          : notFound('compute', `Instance ${ctx.params[0]} could not be found.`);
      },
    },
    {
      service: 'compute',
      method: 'DELETE',
      pattern: /^\/servers\/([^/]+)$/,
      route: '/servers/{id}',
      handle: (ctx) => {
        const record = ownServer(ctx);
        if (!record) return notFound('compute', `Instance ${ctx.params[0]} could not be found.`);
        servers.delete(record.id);
        return { status: 204 };
      },
    },
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
        const flavor = flavorOf(ctx.params[0]);
        return flavor
          ? { status: 200, body: { flavor: flavorView(flavor, ctx, true) } }
          : notFound('compute', `Flavor ${ctx.params[0]} could not be found.`);
      },
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

  // --- faults

  const inScope = (service: SimService, method: string, route: string) =>
    (!faults.service || faults.service === service) &&
    (!faults.method || faults.method === method) &&
    (!faults.route || faults.route === route);

  /** One roll of the dice per request: drop, 5xx, 429, or nothing. */
  const rollFault = (): 'drop' | 'error' | 'rateLimit' | undefined => {
    if (faults.maxFaults !== undefined && faults.maxFaults <= 0) return undefined;
    const roll = random();
    const fault =
      roll < faults.dropRate
        ? 'drop'
        : roll < faults.dropRate + faults.errorRate
          ? 'error'
          : roll < faults.dropRate + faults.errorRate + faults.rateLimitRate
            ? 'rateLimit'
            : undefined;
    if (fault && faults.maxFaults !== undefined) faults.maxFaults -= 1;
    if (fault) stats.faults[fault] += 1;
    return fault;
  };

  // --- control API, for a simulator in another process

  const control = (method: string, path: string, body: unknown): Reply => {
    if (path === '/control/faults' && method === 'GET') return { status: 200, body: faults };
    if (path === '/control/faults' && method === 'PUT') {
      try {
        setFaults(normalizeFaults(body));
      } catch (err) {
        return { status: 400, body: { error: (err as Error).message } };
      }
      return { status: 200, body: faults };
    }
    if (path === '/control/stats' && method === 'GET') return { status: 200, body: stats };
    if (path === '/control/stats' && method === 'DELETE') {
      stats = emptyStats();
      return { status: 204 };
    }
    if (path === '/control/servers' && method === 'GET') return { status: 200, body: { servers: simulator.servers() } };
    if (path === '/control/revoke-tokens' && method === 'POST') {
      identity.revokeAll();
      return { status: 204 };
    }
    const status = /^\/control\/servers\/([^/]+)\/status$/.exec(path);
    if (status && method === 'PUT') {
      const { status: value, fault } = (body ?? {}) as { status?: unknown; fault?: unknown };
      const record = servers.get(decodeURIComponent(status[1]));
      if (!record || typeof value !== 'string') return { status: 404, body: { error: 'no such server, or no status' } };
      changeStatus(record, value, typeof fault === 'string' ? fault : undefined);
      return { status: 204 };
    }
    return { status: 404, body: { error: `no control route ${method} ${path}` } };
  };

  // --- request handling

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const arrivedAt = Date.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://simulator');
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return send(res, { status: 400, body: { error: 'the body is not JSON' } });
    }
    if (url.pathname.startsWith('/control/')) return send(res, control(method, url.pathname, body));

    const internal = url.pathname.startsWith('/internal/');
    const path = internal ? url.pathname.slice('/internal'.length) : url.pathname;
    const prefix = SERVICE_PREFIX[path.split('/')[1] ?? ''];
    if (!prefix) return send(res, { status: 404, body: { error: `no service at ${path}` } });
    const { service } = prefix;
    let rest = path.slice(prefix.base.length);
    let endpoint = `${baseUrl}${internal ? '/internal' : ''}${prefix.base}`;
    if (service === 'compute') {
      if (rest === '' || rest === '/') {
        stats.calls['compute GET (versions)'] = (stats.calls['compute GET (versions)'] ?? 0) + 1;
        return send(res, { status: 200, body: { versions: [versionDocument(`${endpoint}/v2.1`)] } });
      }
      if (!rest.startsWith('/v2.1')) return send(res, errorReply('compute', 404, `no compute API at ${rest}`));
      rest = rest.slice('/v2.1'.length);
      endpoint += '/v2.1';
    }

    const candidates = routes.filter((r) => r.service === service && r.pattern.test(rest));
    const route = candidates.find((r) => r.method === method);
    const routeName = route?.route ?? candidates[0]?.route ?? '(unknown)';
    const key = `${service} ${method} ${routeName}`;
    stats.calls[key] = (stats.calls[key] ?? 0) + 1;
    const createRecord =
      service === 'compute' && method === 'POST' && routeName === '/servers'
        ? { name: String((body as { server?: { name?: unknown } } | undefined)?.server?.name), at: arrivedAt }
        : undefined;
    if (createRecord) stats.createRequests.push(createRecord);
    const answer = (reply: Reply) => {
      if (createRecord) (createRecord as { status?: number }).status = reply.status;
      send(res, reply);
    };
    const drop = () => {
      if (createRecord) (createRecord as { status?: string }).status = 'dropped';
      req.socket.destroy();
    };

    const scoped = inScope(service, method, routeName);
    if (scoped && faults.latencyMs > 0) {
      stats.faults.latency += 1;
      const slept = await sleep(faults.latencyMs, true, { signal: closing.signal }).catch(() => false);
      if (!slept) return;
    }
    const fault = scoped ? rollFault() : undefined;
    if (fault === 'drop' && !faults.dropAfterHandling) return drop();
    if (fault === 'error') {
      const status = faults.errorStatus ?? (random() < 0.5 ? 500 : 503);
      return answer(errorReply(service, status, 'simulated failure'));
    }
    if (fault === 'rateLimit') {
      const reply = errorReply(service, 429, 'simulated rate limit');
      return answer({ ...reply, headers: { ...reply.headers, 'Retry-After': String(faults.retryAfterSeconds) } });
    }

    if (!route) {
      return answer(
        candidates.length
          ? errorReply(service, 405, `${method} not allowed`)
          : errorReply(service, 404, `no route ${rest}`),
      );
    }
    const token = identity.validate(req.headers['x-auth-token'] as string | undefined);
    if (!route.public && !token) {
      stats.unauthorized += 1;
      return answer(errorReply(service, 401, 'The request you have made requires authentication.'));
    }
    let microversion = MIN_MICROVERSION;
    const headers: Record<string, string> = {};
    if (service === 'compute') {
      const header = req.headers['openstack-api-version'];
      const requested =
        (typeof header === 'string' && /^compute\s+(\S+)$/i.exec(header.trim())?.[1]) ||
        (req.headers['x-openstack-nova-api-version'] as string | undefined);
      stats.microversions[requested ?? 'none'] = (stats.microversions[requested ?? 'none'] ?? 0) + 1;
      if (requested) {
        microversion = requested === 'latest' ? maxMicroversion : requested;
        if (
          !/^\d+\.\d+$/.test(microversion) ||
          compareVersions(microversion, MIN_MICROVERSION) < 0 ||
          compareVersions(microversion, maxMicroversion) > 0
        ) {
          return answer(
            errorReply(
              'compute',
              406,
              `Version ${requested} is not supported by the API. Minimum is ${MIN_MICROVERSION} and maximum is ${maxMicroversion}.`,
            ),
          );
        }
      }
      headers['OpenStack-API-Version'] = `compute ${microversion}`;
      headers['X-OpenStack-Nova-API-Version'] = microversion;
      headers.Vary = 'OpenStack-API-Version, X-OpenStack-Nova-API-Version';
    }
    const params = (route.pattern.exec(rest) ?? []).slice(1).map(decodeURIComponent);
    const reply = route.handle({
      service,
      method,
      params,
      query: url.searchParams,
      body,
      token,
      microversion,
      endpoint,
    });
    if (fault === 'drop') return drop();
    answer({ ...reply, headers: { ...headers, ...reply.headers } });
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, { status: 500, body: { error: String(err) } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, resolve);
  });
  const { port } = http.address() as AddressInfo;
  baseUrl = `http://${host}:${port}`;

  const firstUser = identity.users[0];
  const firstAppCredential = firstUser?.applicationCredentials[0];
  const authUrl = `${baseUrl}/identity/v3`;
  const common = { authUrl, region: REGION, interface: 'public' as const, source: 'OpenStack simulator' };

  const setFaults = (next: Partial<FaultSettings> = {}) => {
    for (const key of Object.keys(faults)) delete (faults as unknown as Record<string, unknown>)[key];
    Object.assign(faults, normalizeFaults(next));
  };

  const simulator: OpenStackSimulator = {
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
    images: images.map(({ id, name }) => ({ id, name })),
    flavors: flavors.map(({ id, name }) => ({ id, name })),
    networks: networks.map(({ id, name }) => ({ id, name })),
    servers: () => [...servers.values()].map(publicView),
    onServerActive(callback) {
      activeListeners.add(callback);
      return () => activeListeners.delete(callback);
    },
    setServerStatus(id, status, fault) {
      const record = servers.get(id);
      if (!record) throw new Error(`no server ${id}`);
      changeStatus(record, status, fault);
    },
    revokeTokens: () => identity.revokeAll(),
    faults,
    setFaults,
    get stats() {
      return stats;
    },
    resetStats() {
      stats = emptyStats();
    },
    close: async () => {
      boots.stop();
      closing.abort();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return simulator;
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 8774);
  const bootDelayMs = process.env.BOOT_DELAY_MS === undefined ? undefined : Number(process.env.BOOT_DELAY_MS);
  const password = process.env.OPENSTACK_SIM_PASSWORD;
  startOpenStackSimulator({
    port,
    host: process.env.HOST,
    bootDelayMs,
    users: password ? [{ ...DEFAULT_USERS[0], password }] : undefined,
  }).then(
    (sim) => {
      // The password is not printed: it is OPENSTACK_SIM_PASSWORD, or the default in DEFAULT_USERS.
      console.log(`OpenStack simulator: OS_AUTH_URL=${sim.authUrl}`);
      const { user, project } = sim.credentials;
      console.log(`OS_USERNAME=${user.name} OS_USER_DOMAIN_NAME=${user.domainName} OS_PROJECT_NAME=${project.name}`);
      console.log(`OS_PROJECT_DOMAIN_NAME=${project.domainName} OS_REGION_NAME=${REGION}`);
      const stop = () => void sim.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
