import { REGION } from './defaults';
import { hexId } from './identity';
import type { SimService } from './types';

/**
 * Where each service lives, laid out like devstack's: the path prefixes requests are routed by, and the
 * service catalog a token carries, with a `public` and an `internal` (under `/internal`) endpoint each.
 */

export const SERVICE_PREFIX: Record<string, { service: SimService; base: string }> = {
  identity: { service: 'identity', base: '/identity' },
  compute: { service: 'compute', base: '/compute' },
  image: { service: 'image', base: '/image' },
  networking: { service: 'network', base: '/networking' },
};

export function catalog(baseUrl: string) {
  const endpoints = (path: string) =>
    (['public', 'internal'] as const).map((iface) => ({
      id: hexId(),
      interface: iface,
      region: REGION,
      region_id: REGION,
      url: `${baseUrl}${iface === 'internal' ? '/internal' : ''}${path}`,
    }));
  return [
    { id: hexId(), type: 'identity', name: 'keystone', endpoints: endpoints('/identity') },
    { id: hexId(), type: 'compute', name: 'nova', endpoints: endpoints('/compute/v2.1') },
    { id: hexId(), type: 'image', name: 'glance', endpoints: endpoints('/image') },
    { id: hexId(), type: 'network', name: 'neutron', endpoints: endpoints('/networking') },
  ];
}
