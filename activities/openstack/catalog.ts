import { OpenStackError } from './errors';
import type { OpenStackInterface } from './credentials';

/** One service of a Keystone v3 token's `catalog`. */
export interface CatalogService {
  type: string;
  name?: string;
  endpoints: { interface: string; region?: string | null; region_id?: string | null; url: string }[];
}

/**
 * The URL of a service for an interface and, when one is configured, a region. Without a region the first
 * matching endpoint wins, as in keystoneauth.
 */
export function selectEndpoint(
  catalog: CatalogService[],
  serviceType: string,
  iface: OpenStackInterface,
  region?: string,
): string {
  const service = catalog.find((entry) => entry.type === serviceType);
  const endpoint = service?.endpoints.find(
    (e) => e.interface === iface && (region === undefined || (e.region_id ?? e.region) === region),
  );
  if (!endpoint) {
    const where = region === undefined ? '' : ` in region ${region}`;
    const types = catalog.map((entry) => entry.type).join(', ') || 'empty catalog';
    throw new OpenStackError(`no ${iface} endpoint for ${serviceType}${where} in the service catalog (${types})`, {
      kind: 'config',
      retryable: false,
    });
  }
  return endpoint.url.replace(/\/+$/, '');
}

export function isCatalog(value: unknown): value is CatalogService[] {
  return (
    Array.isArray(value) &&
    value.every(
      (entry) =>
        typeof entry?.type === 'string' &&
        Array.isArray(entry.endpoints) &&
        entry.endpoints.every((e: unknown) => typeof (e as { url?: unknown })?.url === 'string'),
    )
  );
}
