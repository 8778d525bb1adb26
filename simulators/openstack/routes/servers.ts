import { randomBytes, randomUUID } from 'node:crypto';
import type { Reply } from '../../http';
import { compareVersions } from '../microversion';
import { page } from '../paging';
import { isoSeconds, type ServerRecord } from '../servers';
import type { SimState } from '../state';
import { serverDetail } from '../views';
import { errorReply, notFound, type Context, type Route } from '../wire';

/** Nova's servers: list (newest first, paged), create (BUILD, then ACTIVE after the boot delay), show, delete. */

export function serverRoutes(state: SimState): Route[] {
  const { servers, flavors, networks, images } = state;
  const flavorOf = (id: string) => flavors.find((f) => f.id === id);
  const detailOf = (record: ServerRecord, ctx: Context) =>
    serverDetail(
      record,
      ctx,
      flavorOf(record.flavorId),
      networks.find((n) => n.id === record.networkIds[0]),
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
    const body: Record<string, unknown> = {
      servers: result.rows.map((s) =>
        detail
          ? detailOf(s, ctx)
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

  const createServer = (ctx: Context): Reply => {
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
    const record = servers.add({
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
    });
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
        return record ? { status: 200, body: { server: detailOf(record, ctx) } } : missing(ctx);
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
