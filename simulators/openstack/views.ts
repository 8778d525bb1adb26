import { compareVersions } from './microversion';
import type { ServerRecord } from './servers';
import type { SimFlavor, SimImage, SimNetwork } from './state';
import type { Context } from './wire';

/** Servers, flavors, images and networks in the wire format of Nova, Glance and Neutron. */

/** A server as `GET /servers/{id}` and `/servers/detail` show it; `flavor` and `network` are its own. */
export function serverDetail(
  record: ServerRecord,
  ctx: Context,
  flavor: SimFlavor | undefined,
  network: SimNetwork | undefined,
) {
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
}

export const flavorView = (flavor: SimFlavor, ctx: Context, detail: boolean) => ({
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

export const imageView = (image: SimImage) => ({
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

export const networkView = (network: SimNetwork, ctx: Context) => ({
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
