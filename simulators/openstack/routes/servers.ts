import { randomBytes, randomUUID } from 'node:crypto';
import type { Reply } from '../../http';
import { compareVersions } from '../microversion';
import { page } from '../paging';
import { isoSeconds, type ServerRecord } from '../servers';
import type { SimState } from '../state';
import { isUuidLike, validateCreateServer } from '../nova-validation';
import { links, serverDetail } from '../views';
import { errorReply, notFound, type Context, type Route } from '../wire';

/** Nova's default quota of metadata items per server. */
const MAX_METADATA_ITEMS = 128;

/**
 * nova.utils.sanitize_hostname: the guest hostname Nova derives from a server name (Latin-1 only, spaces,
 * underscores and dots to dashes, word characters kept, lower case, at most 63).
 */
function sanitizeHostname(name: string, id: string): string {
  const truncate = (text: string) => text.slice(0, 63);
  const latin1 = [...name].filter((char) => (char.codePointAt(0) ?? 0) <= 0xff).join('');
  const hostname = truncate(latin1)
    .replace(/[ _.]/g, '-')
    .replace(/[^\p{L}\p{N}_.-]+/gu, '')
    .toLowerCase()
    .replace(/^[.-]+|[.-]+$/g, '');
  return truncate(hostname) || `Server-${id}`;
}

/**
 * A name filter anchored at both ends with no regular-expression operator between (escapes allowed) can
 * match one name only: the client is looking a server up by name, not listing a fleet. Nova does not
 * tell the two apart; the count is the benchmarks', so they can (bench/benchmarks/economy.ts).
 */
export const isNameLookup = (filter: string): boolean => /^\^(?:[^\\.*+?()[\]{}|^$]|\\.)*\$$/.test(filter);

/** Nova's servers: list (newest first, paged), create (BUILD, then ACTIVE after the boot delay), show, delete. */
export function serverRoutes(state: SimState): Route[] {
  const { servers, flavors, networks, images } = state;
  const flavorOf = (id: string) => flavors.find((f) => f.id === id);
  const detailOf = (record: ServerRecord, ctx: Context, view: 'show' | 'detail') =>
    serverDetail(
      record,
      ctx,
      flavorOf(record.flavorId),
      networks.find((n) => n.id === record.networkIds[0]),
      view,
    );

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
    const rows = servers
      .records()
      .reverse()
      .filter(
        (s) =>
          s.projectId === ctx.token?.project.id &&
          (!regex || regex.test(s.name)) &&
          (status === null || s.status === status.toUpperCase()),
      );
    const path = detail ? '/servers/detail' : '/servers';
    // Newest first: a higher sequence number comes earlier.
    const positionOf = (id: string) => {
      const seq = servers.sequenceOf(id);
      return seq === undefined ? undefined : -seq;
    };
    const result = page(rows, ctx, path, positionOf, state.pageSizeMax);
    if ('status' in result) return result;
    state.stats.serversListed += result.rows.length;
    if (nameFilter !== null && isNameLookup(nameFilter)) state.stats.serverLookups += 1;
    const body: Record<string, unknown> = {
      servers: result.rows.map((s) =>
        detail ? detailOf(s, ctx, 'detail') : { id: s.id, name: s.name, links: links(ctx, 'servers', s.id) },
      ),
    };
    if (result.links) body.servers_links = result.links;
    return { status: 200, body };
  };

  const ownServer = (ctx: Context): ServerRecord | undefined => {
    const record = servers.get(ctx.params[0]);
    return record && record.projectId === ctx.token?.project.id ? record : undefined;
  };

  /**
   * Nova's create: the body checked against the microversion's schema (nova-validation.ts), then what
   * ServersController.create and the compute API check, each with Nova's message. Neutron's security
   * groups and Nova's key pairs are not simulated: any name is taken.
   */
  const createServer = (ctx: Context): Reply => {
    const bad = (message: string) => errorReply('compute', 400, message);
    const invalid = validateCreateServer(ctx.body, ctx.microversion);
    if (invalid) return bad(invalid);
    const spec = (ctx.body as { server: Record<string, unknown> }).server;
    const at = (version: string) => compareVersions(ctx.microversion, version) >= 0;
    const name = (spec.name as string).trim();
    if (Number(spec.min_count ?? 1) > 1 || Number(spec.max_count ?? 1) > 1) {
      return bad('The simulator makes one server per request: min_count and max_count above 1 are not simulated.');
    }
    if (!spec.imageRef) return bad('Missing imageRef attribute');
    const image = images.find((i) => i.id === spec.imageRef);
    if (!image) return bad('Can not find requested image');
    if (image.status !== 'active') return bad(`Image ${image.id} is not active.`);
    // get_id_from_href: a flavor may be given by its link.
    const flavorId = String(spec.flavorRef).split('/').pop() ?? '';
    if (!flavorOf(flavorId)) return bad(`Flavor ${flavorId} could not be found.`);
    const requested = spec.networks;
    let networkIds: string[] = [];
    if (Array.isArray(requested)) {
      for (const item of requested as { uuid?: string; port?: string | null }[]) {
        if (item.port) return bad(`Port id ${item.port} could not be found.`);
        if (item.uuid === undefined) return bad("Bad network format: missing 'uuid'");
        if (!isUuidLike(item.uuid))
          return bad(`Bad networks format: network uuid is not in proper format (${item.uuid})`);
        if (!networks.some((n) => n.id === item.uuid)) return bad(`Network ${item.uuid} could not be found.`);
        networkIds.push(item.uuid);
      }
    } else if (requested === undefined || requested === 'auto') {
      // Nova picks the project's one network; with several it refuses (NetworkAmbiguous, 409).
      if (networks.length > 1)
        return errorReply('compute', 409, 'Multiple possible networks found, use a Network ID to be more specific.');
      networkIds = networks.map((n) => n.id);
    }
    const metadata = (spec.metadata ?? {}) as Record<string, string>;
    if (Object.keys(metadata).length > MAX_METADATA_ITEMS) {
      return errorReply('compute', 403, `Maximum number of metadata items exceeds ${MAX_METADATA_ITEMS}`);
    }
    const userData =
      spec.user_data === undefined ? undefined : Buffer.from(spec.user_data as string, 'base64').toString('utf8');
    const groups = (spec.security_groups as { name?: string }[] | undefined) ?? [{ name: 'default' }];
    const now = Date.now();
    const id = randomUUID();
    const record = servers.add({
      id,
      name,
      status: 'BUILD',
      metadata: { ...metadata },
      userData,
      imageId: image.id,
      flavorId,
      networkIds,
      keyName: spec.key_name as string | undefined,
      // Nova keeps each named group once.
      securityGroups: [...new Set(groups.map((g) => g.name).filter((g): g is string => Boolean(g)))],
      created: isoSeconds(now),
      updated: isoSeconds(now),
      projectId: ctx.token?.project.id ?? '',
      userId: ctx.token?.user.id ?? '',
      description: at('2.19') ? ((spec.description as string | null | undefined) ?? null) : name,
      tags: at('2.52') ? ((spec.tags as string[] | undefined) ?? []) : [],
      requestedZone: (spec.availability_zone as string | undefined) ?? null,
      hostname: (at('2.90') && (spec.hostname as string | undefined)) || sanitizeHostname(name, id),
    });
    return {
      status: 202,
      headers: { Location: `${ctx.endpoint}/servers/${record.id}` },
      body: {
        server: {
          id: record.id,
          links: links(ctx, 'servers', record.id),
          'OS-DCF:diskConfig': 'MANUAL',
          // As the request named them (or the default group), not as stored.
          security_groups: groups,
          adminPass: randomBytes(9).toString('base64url'),
        },
      },
    };
  };

  const missing = (ctx: Context) => notFound('compute', `Instance ${ctx.params[0]} could not be found.`);
  return [
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
    { service: 'compute', method: 'POST', pattern: /^\/servers$/, route: '/servers', handle: createServer },
    {
      service: 'compute',
      method: 'GET',
      pattern: /^\/servers\/([^/]+)$/,
      route: '/servers/{id}',
      handle: (ctx) => {
        const record = ownServer(ctx);
        return record ? { status: 200, body: { server: detailOf(record, ctx, 'show') } } : missing(ctx);
      },
    },
    {
      service: 'compute',
      method: 'DELETE',
      pattern: /^\/servers\/([^/]+)$/,
      route: '/servers/{id}',
      handle: (ctx) => {
        const record = ownServer(ctx);
        if (!record) return missing(ctx);
        servers.delete(record.id);
        return { status: 204 };
      },
    },
  ];
}
