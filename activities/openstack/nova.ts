import { OpenStackError, isOpenStackError } from './errors';
import type { KeystoneSession, RequestOptions, SessionStats } from './keystone';
import type { HttpMethod } from './http';
import { negotiateMicroversion, type Microversion } from './microversion';
import { NameResolver } from './resolver';

export interface NovaOptions {
  /** The newest compute microversion this client speaks; the cloud's maximum if lower. Default 2.79. */
  maxMicroversion?: string;
  /** `limit` of each server list page (Nova caps it at its own max_limit). Default 1000. */
  pageSize?: number;
  /** How long a resolved image, flavor or network name is reused. Default 10 min. */
  nameCacheTtlMs?: number;
}

export interface CreateServerRequest {
  name: string;
  /** Each by name or id. */
  image: string;
  flavor: string;
  network: string;
  securityGroups?: string[];
  keyName?: string;
  /** Plain text (cloud-init); sent base64-encoded. */
  userData?: string;
  metadata?: Record<string, string>;
}

export interface Server {
  id: string;
  name: string;
  /** BUILD, ACTIVE, ERROR, SHUTOFF, DELETED, ... */
  status: string;
  metadata: Record<string, string>;
  /** ISO time. */
  created: string;
  /** Nova's reason for an ERROR status, when it gives one. */
  fault?: string;
}

export interface ServerFilter {
  /** Every pair must match exactly (client side: Nova does not filter on metadata). */
  metadata?: Record<string, string>;
  /**
   * Only runner names of this prefix, `<prefix>-<n>`, filtered by Nova: each flavor's list holds its own
   * servers, not the project's. Nova's name filter is a regular expression run by its database (MySQL's
   * REGEXP ignores case), so the answer is checked again here, exactly.
   */
  runnerNamePrefix?: string;
}

export interface OpenStackClientStats extends SessionStats {
  calls: { keystone: number; compute: number; image: number; network: number } & Record<string, number>;
}

/**
 * Nova's rules (nova/api/validation/parameter_types.py): metadata keys of 1 to 255 letters, digits and
 * `-_:. `, values up to 255 characters, user_data up to 64 KiB of base64; a server name that neither
 * starts nor ends with whitespace. Checked here so that a bad request fails before any call, naming why.
 */
const METADATA_KEY = /^[a-zA-Z0-9-_:. ]{1,255}$/;
const MAX_METADATA_LENGTH = 255;
const MAX_USER_DATA_BASE64 = 65_535;

/** The Nova calls the autoscaler needs, with Glance and Neutron only to look names up. */
export class NovaClient {
  readonly session: KeystoneSession;
  readonly #options: Required<NovaOptions>;
  readonly #names: NameResolver;
  #microversion?: Promise<Microversion | undefined>;

  constructor(session: KeystoneSession, options: NovaOptions = {}) {
    this.session = session;
    this.#options = {
      maxMicroversion: options.maxMicroversion ?? '2.79',
      pageSize: options.pageSize ?? 1000,
      nameCacheTtlMs: options.nameCacheTtlMs ?? 10 * 60_000,
    };
    this.#names = new NameResolver(async (service, path, query) => {
      const options = { query };
      const response =
        service === 'compute'
          ? await this.#compute('GET', path, options)
          : await this.session.request(service, 'GET', path, options);
      return response.body;
    }, this.#options.nameCacheTtlMs);
  }

  stats(): OpenStackClientStats {
    const stats = this.session.stats;
    return { ...stats, calls: { keystone: 0, compute: 0, image: 0, network: 0, ...stats.calls } };
  }

  /** The microversion sent with each compute call, negotiated once; undefined when the cloud has none. */
  microversion(): Promise<Microversion | undefined> {
    this.#microversion ??= negotiateMicroversion(this.session, this.#options.maxMicroversion).catch((err) => {
      this.#microversion = undefined;
      throw err;
    });
    return this.#microversion;
  }

  /** Returns once Nova accepted the request (202); the server is in BUILD then. */
  async createServer(request: CreateServerRequest): Promise<{ id: string; name: string }> {
    const userData = request.userData === undefined ? undefined : Buffer.from(request.userData).toString('base64');
    validateCreate(request, userData);
    const [imageRef, flavorRef, networkId] = await Promise.all([
      this.#names.image(request.image),
      this.#names.flavor(request.flavor),
      this.#names.network(request.network),
    ]);
    const server: Record<string, unknown> = {
      name: request.name,
      imageRef,
      flavorRef,
      networks: [{ uuid: networkId }],
      metadata: request.metadata ?? {},
    };
    if (request.securityGroups) server.security_groups = request.securityGroups.map((name) => ({ name }));
    if (request.keyName) server.key_name = request.keyName;
    if (userData) server.user_data = userData;
    const response = await this.#compute('POST', '/servers', { body: { server } });
    const id = (response.body as { server?: { id?: unknown } } | undefined)?.server?.id;
    if (typeof id !== 'string') throw invalidResponse('POST /servers answered without a server id');
    return { id, name: request.name };
  }

  /** All servers of the project that match, over every page of `/servers/detail`. */
  async listServers(filter: ServerFilter = {}): Promise<Server[]> {
    const prefix = filter.runnerNamePrefix;
    const servers = await this.#listDetail(prefix === undefined ? undefined : `^${escapeRegex(prefix)}-[0-9]+$`);
    return servers.filter(
      (server) =>
        (prefix === undefined || isRunnerName(prefix, server.name)) &&
        Object.entries(filter.metadata ?? {}).every(([key, value]) => server.metadata[key] === value),
    );
  }

  /**
   * The server with exactly this name. Nova's name filter is a regular expression, so it is anchored and
   * escaped, and the answer still compared exactly. Should two exist, the oldest is the one.
   */
  async findServerByName(name: string): Promise<Server | undefined> {
    const servers = (await this.#listDetail(`^${escapeRegex(name)}$`)).filter((server) => server.name === name);
    return servers.sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id))[0];
  }

  async getServer(id: string): Promise<Server | undefined> {
    try {
      const response = await this.#compute('GET', `/servers/${encodeURIComponent(id)}`);
      return toServer((response.body as { server?: unknown } | undefined)?.server);
    } catch (err) {
      if (isOpenStackError(err, 'not-found')) return undefined;
      throw err;
    }
  }

  /** 'gone' when Nova no longer knows the server (deleted earlier, or never there). */
  async deleteServer(id: string): Promise<'deleted' | 'gone'> {
    try {
      await this.#compute('DELETE', `/servers/${encodeURIComponent(id)}`);
      return 'deleted';
    } catch (err) {
      if (isOpenStackError(err, 'not-found')) return 'gone';
      throw err;
    }
  }

  /**
   * Pages through `/servers/detail` with `limit` and `marker`. The marker of the next page comes from the
   * `next` link, but the URL is rebuilt from the catalog: Nova builds its links from its own idea of its
   * host, which behind a TLS proxy is often the wrong scheme or host.
   */
  async #listDetail(nameRegex: string | undefined): Promise<Server[]> {
    const servers: Server[] = [];
    const seen = new Set<string>();
    let marker: string | undefined;
    for (;;) {
      const response = await this.#compute('GET', '/servers/detail', {
        query: { limit: this.#options.pageSize, name: nameRegex, marker },
      });
      const body = response.body as { servers?: unknown; servers_links?: { rel?: string; href?: string }[] };
      if (!Array.isArray(body?.servers)) throw invalidResponse('GET /servers/detail answered without servers');
      const page = body.servers.map(toServer);
      servers.push(...page);
      const next = body.servers_links?.find((link) => link.rel === 'next');
      if (!next || page.length === 0) return servers;
      marker = markerOf(next.href) ?? page[page.length - 1].id;
      if (seen.has(marker)) throw invalidResponse(`GET /servers/detail repeats marker ${marker}`);
      seen.add(marker);
    }
  }

  async #compute(method: HttpMethod, path: string, options: RequestOptions = {}) {
    const version = await this.microversion();
    const headers = version
      ? { 'OpenStack-API-Version': `compute ${version}`, 'X-OpenStack-Nova-API-Version': version, ...options.headers }
      : options.headers;
    return this.session.request('compute', method, path, { ...options, headers });
  }
}

function isRunnerName(prefix: string, name: string): boolean {
  return name.startsWith(`${prefix}-`) && /^[0-9]+$/.test(name.slice(prefix.length + 1));
}

export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

function validateCreate(request: CreateServerRequest, userData: string | undefined): void {
  const problems: string[] = [];
  if (!request.name) problems.push('name is empty');
  else if (/^\s|\s$/u.test(request.name)) problems.push('name starts or ends with whitespace');
  for (const [key, value] of Object.entries(request.metadata ?? {})) {
    const shown = key.slice(0, 40);
    if (!METADATA_KEY.test(key)) {
      problems.push(`metadata key "${shown}" is not 1 to 255 of letters, digits and -_:. (space included)`);
    } else if (typeof value !== 'string') problems.push(`metadata "${shown}" is not a string`);
    else if (value.length > MAX_METADATA_LENGTH) {
      problems.push(`metadata "${shown}" is longer than ${MAX_METADATA_LENGTH} characters`);
    }
  }
  if (userData && userData.length > MAX_USER_DATA_BASE64) {
    problems.push(`user data is ${userData.length} bytes base64-encoded, over Nova's ${MAX_USER_DATA_BASE64}`);
  }
  if (problems.length) {
    throw new OpenStackError(`server "${request.name}" cannot be created: ${problems.join('; ')}`, {
      kind: 'bad-request',
      retryable: false,
    });
  }
}

function toServer(raw: unknown): Server {
  const server = raw as Record<string, unknown> | undefined;
  if (typeof server?.id !== 'string' || typeof server.name !== 'string' || typeof server.status !== 'string') {
    throw invalidResponse('a server has no id, name or status');
  }
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries((server.metadata as Record<string, unknown> | undefined) ?? {})) {
    if (typeof value === 'string') metadata[key] = value;
  }
  const fault = (server.fault as { message?: unknown } | undefined)?.message;
  return {
    id: server.id,
    name: server.name,
    status: server.status,
    metadata,
    created: typeof server.created === 'string' ? server.created : '',
    ...(typeof fault === 'string' && { fault }),
  };
}

function markerOf(href: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    return new URL(href, 'http://placeholder').searchParams.get('marker') ?? undefined;
  } catch {
    return undefined;
  }
}

function invalidResponse(message: string): OpenStackError {
  return new OpenStackError(`Nova: ${message}`, { kind: 'invalid-response', retryable: true });
}
