import { createHash } from 'node:crypto';
import { compareVersions } from './microversion';
import type { ServerRecord } from './servers';
import type { SimFlavor, SimImage, SimNetwork } from './state';
import type { Context } from './wire';

/** Servers, flavors, images and networks in the wire format of Nova, Glance and Neutron. */

/** The host every simulated server is scheduled to; its hostId is Nova's sha224(project id + host). */
const HOST = 'sim-compute-1';

/** Nova's `self` and `bookmark` links; the bookmark drops the version (remove_trailing_version_from_href). */
export function links(ctx: Context, collection: string, id: string) {
  return [
    { rel: 'self', href: `${ctx.endpoint}/${collection}/${id}` },
    { rel: 'bookmark', href: `${bookmarkRoot(ctx)}/${collection}/${id}` },
  ];
}

/** Neutron's port MAC prefix fa:16:3e, then the server's number. */
const macAddress = (seq: number) =>
  `fa:16:3e:${[16, 8, 0].map((shift) => ((seq >> shift) & 255).toString(16).padStart(2, '0')).join(':')}`;

const bookmarkRoot = (ctx: Context) => ctx.endpoint.replace(/\/v2\.1(?=\/|$)/, '');

/**
 * A server as `GET /servers/{id}` (`show`) and `/servers/detail` show it to its project's member, field for
 * field as nova/api/openstack/compute/views/servers.py (openstack/nova) builds it at the request's
 * microversion: the OS-EXT-* extensions of 2.1, `locked` (2.9), `description` (2.19), `tags` (2.26), the
 * embedded flavor (2.47), `trusted_image_certificates` (2.63), `server_groups` (2.71, show only),
 * `locked_reason` (2.73), `OS-EXT-SRV-ATTR:hostname` (2.90), `pinned_availability_zone` (2.96). What the
 * default policy keeps from a member is left out: `host_status` and the other OS-EXT-SRV-ATTR fields.
 */
export function serverDetail(
  record: ServerRecord,
  ctx: Context,
  flavor: SimFlavor | undefined,
  network: SimNetwork | undefined,
  view: 'show' | 'detail',
) {
  const at = (version: string) => compareVersions(ctx.microversion, version) >= 0;
  const vmState = { BUILD: 'building', ACTIVE: 'active', ERROR: 'error', SHUTOFF: 'stopped' }[record.status];
  const powerState = { ACTIVE: 1, SHUTOFF: 4 }[record.status] ?? 0;
  const zone = record.requestedZone ?? 'nova';
  const server: Record<string, unknown> = {
    accessIPv4: '',
    accessIPv6: '',
    // Hidden while building, as Nova does.
    addresses:
      record.status !== 'BUILD' && network
        ? {
            [network.name]: [
              {
                version: 4,
                addr: `10.0.${(record.seq >> 8) & 255}.${record.seq & 255}`,
                'OS-EXT-IPS:type': 'fixed',
                'OS-EXT-IPS-MAC:mac_addr': macAddress(record.seq),
              },
            ],
          }
        : {},
    created: record.created,
    flavor: at('2.47')
      ? {
          vcpus: flavor?.vcpus,
          ram: flavor?.ram,
          disk: flavor?.disk,
          ephemeral: 0,
          swap: 0,
          original_name: flavor?.name,
          extra_specs: {},
        }
      : { id: record.flavorId, links: [{ rel: 'bookmark', href: `${bookmarkRoot(ctx)}/flavors/${record.flavorId}` }] },
    hostId: createHash('sha224').update(`${record.projectId}${HOST}`).digest('hex'),
    id: record.id,
    image: { id: record.imageId, links: [{ rel: 'bookmark', href: `${bookmarkRoot(ctx)}/images/${record.imageId}` }] },
    links: links(ctx, 'servers', record.id),
    metadata: record.metadata,
    name: record.name,
    status: record.status,
    tenant_id: record.projectId,
    user_id: record.userId,
    updated: record.updated,
    'OS-DCF:diskConfig': 'MANUAL',
  };
  if (record.fault) server.fault = { code: 500, created: record.updated, message: record.fault };
  if (record.status === 'ACTIVE' || record.status === 'BUILD') server.progress = 0;
  Object.assign(server, {
    'OS-EXT-AZ:availability_zone': zone,
    config_drive: '',
    key_name: record.keyName ?? null,
    'OS-SRV-USG:launched_at': record.launchedAt ?? null,
    'OS-SRV-USG:terminated_at': null,
  });
  if (record.securityGroups.length) server.security_groups = record.securityGroups.map((name) => ({ name }));
  Object.assign(server, {
    'OS-EXT-STS:task_state': record.status === 'BUILD' ? 'spawning' : null,
    'OS-EXT-STS:vm_state': vmState ?? record.status.toLowerCase(),
    'OS-EXT-STS:power_state': powerState,
    'os-extended-volumes:volumes_attached': [],
  });
  if (at('2.9')) server.locked = false;
  if (at('2.19')) server.description = record.description;
  if (at('2.26')) server.tags = record.tags;
  if (at('2.63')) server.trusted_image_certificates = null;
  if (at('2.71') && view === 'show') server.server_groups = [];
  if (at('2.73')) server.locked_reason = null;
  if (at('2.90')) server['OS-EXT-SRV-ATTR:hostname'] = record.hostname;
  if (at('2.96')) server.pinned_availability_zone = record.requestedZone;
  return server;
}

/**
 * A flavor as nova/api/openstack/compute/views/flavors.py shows it: `description` from 2.55, `extra_specs` in
 * details from 2.61, `swap` "" for none until 2.75.
 */
export function flavorView(flavor: SimFlavor, ctx: Context, detail: boolean) {
  const at = (version: string) => compareVersions(ctx.microversion, version) >= 0;
  const view: Record<string, unknown> = { id: flavor.id, name: flavor.name, links: links(ctx, 'flavors', flavor.id) };
  if (detail) {
    Object.assign(view, {
      ram: flavor.ram,
      disk: flavor.disk,
      swap: at('2.75') ? 0 : '',
      'OS-FLV-EXT-DATA:ephemeral': 0,
      'OS-FLV-DISABLED:disabled': false,
      vcpus: flavor.vcpus,
      'os-flavor-access:is_public': true,
      rxtx_factor: 1.0,
    });
  }
  if (at('2.55')) view.description = null;
  if (detail && at('2.61')) view.extra_specs = {};
  return view;
}

/** The project that owns the public images, as an admin's upload would. */
const IMAGE_OWNER = '5ef70662f8b34079a6eddb8da9d75fe8';

export const imageView = (image: SimImage) => ({
  id: image.id,
  name: image.name,
  status: image.status,
  visibility: 'public',
  owner: IMAGE_OWNER,
  container_format: 'bare',
  disk_format: 'qcow2',
  min_disk: 0,
  min_ram: 0,
  protected: false,
  os_hidden: image.hidden,
  created_at: image.createdAt,
  updated_at: image.createdAt,
  tags: [],
  self: `/v2/images/${image.id}`,
  file: `/v2/images/${image.id}/file`,
  schema: '/v2/schemas/image',
});

/** The project that shares its networks with everyone. */
const SHARING_PROJECT = '8c3a6e0f5d1b4f2a9e7c6b5a4d3e2f10';

export const networkView = (network: SimNetwork, ctx: Context) => {
  const owner = network.shared ? SHARING_PROJECT : ctx.token?.project.id;
  return {
    id: network.id,
    name: network.name,
    status: 'ACTIVE',
    admin_state_up: true,
    shared: network.shared ?? false,
    'router:external': false,
    mtu: 1450,
    subnets: [],
    tenant_id: owner,
    project_id: owner,
  };
};
