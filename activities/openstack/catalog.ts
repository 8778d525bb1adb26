import { OpenStackError } from './errors';
import type { OpenStackInterface } from './credentials';

/** One service of a Keystone v3 token's `catalog`. */
export interface CatalogService {
  type: string;
  name?: string;
  endpoints: { interface: string; region?: string | null; region_id?: string | null; url: string }[];
}

type Endpoint = CatalogService['endpoints'][number];

/**
 * The API base of a service (`compute`, `image`, `network`) for an interface and, when one is configured, a
 * region, from every catalog entry of that type (some clouds list one entry per region). Without a region
 * the catalog must hold the service in one region only: keystoneauth would take the first endpoint, but a
 * catalog's order is not stable, and an autoscaler that drifts between regions leaks VMs in both.
 */
export function selectEndpoint(
  catalog: CatalogService[],
  serviceType: string,
  iface: OpenStackInterface,
  region?: string,
): string {
  const offered = catalog
    .filter((entry) => entry.type === serviceType)
    .flatMap((entry) => entry.endpoints)
    .filter((e) => e.interface === iface);
  const matching = region === undefined ? offered : offered.filter((e) => regionOf(e) === region);
  if (matching.length === 0) {
    const where = region === undefined ? '' : ` in region ${region}`;
    const types = [...new Set(catalog.map((entry) => entry.type))].join(', ') || 'empty catalog';
    const elsewhere = regionList(offered);
    throw configError(
      `no ${iface} endpoint for ${serviceType}${where} in the service catalog (${types})` +
        (region !== undefined && elsewhere ? `; it has one in ${elsewhere}` : ''),
    );
  }
  const regions = new Set(matching.map(regionOf));
  if (region === undefined && regions.size > 1) {
    throw configError(
      `the service catalog lists ${iface} ${serviceType} endpoints in regions ${regionList(matching)}: ` +
        'set region_name in clouds.yaml (or OS_REGION_NAME) to choose one',
    );
  }
  return apiBase(serviceType, matching[0].url);
}

/**
 * Where the client's paths start, from a catalog URL. Real catalogs register one service in several forms:
 * an image endpoint as `https://glance:9292`, `…/image` or `…/v2`; a network endpoint with or without
 * `/v2.0`; compute as `…/v2.1`, `…/v2.1/<project_id>`, the legacy `…/v2/<project_id>`, or unversioned.
 *
 * The rule: a trailing version segment (`/v<n>` or `/v<n>.<m>`; for compute, optionally followed by a
 * project id, hex and dashes as Nova routes it) is dropped, and the version this client speaks is put in
 * its place: `/v2` for Glance (which serves every 2.x under `/v2`), `/v2.0` for Neutron, `/v2.1` for Nova,
 * keeping a project id the catalog gave (Nova routes `/v2.1/<project_id>/servers` and `/v2.1/servers`
 * alike). So `/v2/v2/images` is never built, and no discovery request is spent: the versions are fixed
 * ones every cloud of the last years serves. Other service types are returned as listed.
 */
export function apiBase(serviceType: string, url: string): string {
  const base = url.replace(/\/+$/, '');
  const version = API_VERSIONS[serviceType];
  if (!version) return base;
  if (serviceType === 'compute') {
    // Everything in the pattern but the root is optional, so it always matches.
    const [, root, projectId] = /^(.*?)(?:\/v\d+(?:\.\d+)?(\/[0-9a-f-]+)?)?$/i.exec(base) as RegExpExecArray;
    return `${root}/${version}${projectId ?? ''}`;
  }
  return `${base.replace(/\/v\d+(\.\d+)?$/i, '')}/${version}`;
}

const API_VERSIONS: Record<string, string> = { compute: 'v2.1', image: 'v2', network: 'v2.0' };

export function isCatalog(value: unknown): value is CatalogService[] {
  const hasUrl = (endpoint: unknown) => typeof (endpoint as { url?: unknown } | null)?.url === 'string';
  return (
    Array.isArray(value) &&
    (value as unknown[]).every((entry) => {
      const { type, endpoints } = (entry ?? {}) as { type?: unknown; endpoints?: unknown };
      return typeof type === 'string' && Array.isArray(endpoints) && (endpoints as unknown[]).every(hasUrl);
    })
  );
}

function regionOf(endpoint: Endpoint): string | undefined {
  return endpoint.region_id ?? endpoint.region ?? undefined;
}

function regionList(endpoints: Endpoint[]): string {
  return [...new Set(endpoints.map((e) => regionOf(e) ?? '(no region)'))].join(', ');
}

function configError(message: string): OpenStackError {
  return new OpenStackError(message, { kind: 'config', retryable: false });
}
