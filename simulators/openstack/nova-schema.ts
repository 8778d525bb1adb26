import { compareVersions } from './microversion';

/**
 * Nova's JSON schema for `POST /servers`, transcribed from nova/api/openstack/compute/schemas/servers.py
 * and nova/api/validation/parameter_types.py (openstack/nova), with the request body of each microversion
 * range `ServersController.create` validates against. Formats (`name`, `uuid`, `base64`, `ipv4`, `ipv6`)
 * are checked as nova/api/validation/validators.py does (nova-validation.ts).
 */

type Schema = Record<string, unknown>;

const name: Schema = { type: 'string', format: 'name', minLength: 1, maxLength: 255 };
const uuid: Schema = { type: 'string', format: 'uuid' };
const boolean: Schema = {
  type: ['boolean', 'string'],
  enum: [
    true,
    'True',
    'TRUE',
    'true',
    '1',
    'ON',
    'On',
    'on',
    'YES',
    'Yes',
    'yes',
    false,
    'False',
    'FALSE',
    'false',
    '0',
    'OFF',
    'Off',
    'off',
    'NO',
    'No',
    'no',
  ],
};
const positiveInteger: Schema = { type: ['integer', 'string'], pattern: '^[0-9]*$', minimum: 1, minLength: 1 };
const ipAddress: Schema = { type: 'string', oneOf: [{ format: 'ipv4' }, { format: 'ipv6' }] };
const fqdn: Schema = { type: 'string', pattern: '^[a-zA-Z0-9-._]*$', minLength: 1, maxLength: 255 };
/** nova/objects/tag.py: MAX_TAG_LENGTH. */
const tag: Schema = { type: 'string', pattern: '^[^,/]*$', minLength: 1, maxLength: 60 };
const volumeSize: Schema = { type: ['integer', 'string'], pattern: '^[0-9]+$', minimum: 1, maximum: 0x7fffffff };
/** Keys of letters, digits and `-_:. `, 1 to 255 of them; values strings up to 255. */
export const METADATA_KEY_PATTERN = '^[a-zA-Z0-9-_:. ]{1,255}$';
const metadata: Schema = {
  type: 'object',
  patternProperties: { [METADATA_KEY_PATTERN]: { type: 'string', maxLength: 255 } },
  additionalProperties: false,
};

const legacyBlockDeviceMapping = (): Schema => ({
  type: 'object',
  properties: {
    virtual_name: { type: 'string', maxLength: 255 },
    volume_id: uuid,
    snapshot_id: uuid,
    volume_size: volumeSize,
    device_name: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9._/-]*$' },
    delete_on_termination: boolean,
    no_device: {},
    connection_info: { type: 'string', maxLength: 16777215 },
  },
  additionalProperties: false,
});

const blockDeviceMappingV2 = (): Schema => {
  const schema = legacyBlockDeviceMapping();
  Object.assign(schema.properties as Schema, {
    source_type: { type: 'string', enum: ['volume', 'image', 'snapshot', 'blank'] },
    uuid: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9._-]*$' },
    image_id: uuid,
    destination_type: { type: 'string', enum: ['local', 'volume'] },
    guest_format: { type: 'string', maxLength: 255 },
    device_type: { type: 'string', maxLength: 255 },
    disk_bus: { type: 'string', maxLength: 255 },
    boot_index: { type: ['integer', 'string', 'null'], pattern: '^-?[0-9]+$' },
  });
  return schema;
};

/** Scheduler hints: Nova relaxes their schema (any further hint is accepted). */
const hints: Schema = {
  type: 'object',
  properties: {
    group: { oneOf: [{ type: 'array', items: uuid }, uuid] },
    different_host: { oneOf: [uuid, { type: 'array', items: uuid }] },
    same_host: { type: ['string', 'array'], items: uuid },
    query: { type: ['string', 'object'] },
    target_cell: name,
    different_cell: { type: ['string', 'array'], items: { type: 'string' } },
    build_near_host_ip: ipAddress,
    cidr: { type: 'string', pattern: '^/[0-9a-f.:]+$' },
  },
  additionalProperties: true,
};

const networkItem = (fields: Schema): Schema => ({
  type: 'object',
  properties: {
    fixed_ip: ipAddress,
    port: { type: ['string', 'null'], format: 'uuid' },
    ...fields,
  },
  additionalProperties: false,
});

/** The v2.1 base (`schema.create`). */
function base(): { server: Schema; properties: Schema } {
  const properties: Schema = {
    name,
    imageRef: { oneOf: [uuid, { type: 'string', maxLength: 0 }] },
    flavorRef: { type: ['string', 'integer'], minLength: 1 },
    adminPass: { type: 'string' },
    metadata,
    networks: { type: 'array', items: networkItem({ uuid: { type: 'string' } }) },
    'OS-DCF:diskConfig': { type: 'string', enum: ['AUTO', 'MANUAL'] },
    accessIPv4: { type: 'string', format: 'ipv4' },
    accessIPv6: { type: 'string', format: 'ipv6' },
    personality: {
      type: 'array',
      items: {
        type: 'object',
        properties: { path: { type: 'string' }, contents: { type: 'string', format: 'base64' } },
        additionalProperties: false,
      },
    },
    availability_zone: name,
    block_device_mapping: { type: 'array', items: legacyBlockDeviceMapping() },
    block_device_mapping_v2: { type: 'array', items: blockDeviceMappingV2() },
    config_drive: boolean,
    key_name: name,
    min_count: positiveInteger,
    max_count: positiveInteger,
    return_reservation_id: boolean,
    security_groups: {
      type: 'array',
      items: { type: 'object', properties: { name }, additionalProperties: false },
    },
    user_data: { type: 'string', format: 'base64', maxLength: 65535 },
  };
  const server: Schema = {
    type: 'object',
    properties,
    required: ['name', 'flavorRef'],
    additionalProperties: false,
  };
  return { server, properties };
}

/** The create schema Nova applies at a microversion (2.1 and up), as the decorators of `create` choose it. */
export function createServerSchema(microversion: string): Schema {
  const at = (version: string) => compareVersions(microversion, version) >= 0;
  const { server, properties } = base();
  const bdmItem = (properties.block_device_mapping_v2 as Schema).items as Schema;
  const bdmProperties = bdmItem.properties as Schema;
  if (at('2.19')) properties.description = { type: ['string', 'null'], format: 'description', maxLength: 255 };
  if (microversion === '2.32') bdmProperties.tag = tag;
  if (at('2.32') && !at('2.37')) {
    properties.networks = { type: 'array', items: networkItem({ uuid: { type: 'string' }, tag }) };
  }
  if (at('2.37')) {
    (server.required as string[]).push('networks');
    const uuidField = { uuid: { type: 'string', format: 'uuid' }, ...(at('2.42') && { tag }) };
    properties.networks = {
      oneOf: [
        { type: 'array', items: networkItem(uuidField) },
        { type: 'string', enum: ['none', 'auto'] },
      ],
    };
  }
  if (at('2.42')) bdmProperties.tag = tag;
  if (at('2.52')) properties.tags = { type: 'array', items: tag, maxItems: 50 };
  if (at('2.57')) delete properties.personality;
  if (at('2.63')) {
    properties.trusted_image_certificates = {
      type: ['array', 'null'],
      minItems: 1,
      maxItems: 50,
      uniqueItems: true,
      items: { type: 'string', minLength: 1 },
    };
  }
  if (at('2.67')) bdmProperties.volume_type = { type: ['string', 'null'], minLength: 0, maxLength: 255 };
  if (at('2.74')) {
    properties.host = fqdn;
    properties.hypervisor_hostname = fqdn;
  }
  if (at('2.90')) {
    properties.hostname = at('2.94')
      ? fqdn
      : { type: 'string', pattern: '^[a-zA-Z0-9]+[a-zA-Z0-9-]*[a-zA-Z0-9]+$', minLength: 2, maxLength: 63 };
  }
  return {
    type: 'object',
    properties: { server, 'os:scheduler_hints': hints, 'OS-SCH-HNT:scheduler_hints': hints },
    required: ['server'],
    additionalProperties: false,
  };
}
