import { REGION } from './defaults';
import { hexId } from './identity';
import type { CatalogLayout, SimInterface, SimService } from './types';

/**
 * Where each service lives: the service catalog a token carries, and the reverse, how a request path is
 * routed to a region, an interface and a service. Laid out like devstack's by default (`/identity`,
 * `/compute/v2.1`, `/image`, `/networking`, each with a `public` endpoint at the root and an `internal` one
 * under `/internal`, in RegionOne); `CatalogLayout` publishes the other layouts real clouds have.
 */

/** Each service's own path prefix: requests are routed by it, whatever its catalog path adds after it. */
export const SERVICE_PREFIX: Record<string, { service: SimService; base: string }> = {
  identity: { service: 'identity', base: '/identity' },
  compute: { service: 'compute', base: '/compute' },
  image: { service: 'image', base: '/image' },
  networking: { service: 'network', base: '/networking' },
};

const CATALOG_ENTRIES: { type: SimService; name: string; path: string }[] = [
  { type: 'identity', name: 'keystone', path: '/identity' },
  { type: 'compute', name: 'nova', path: '/compute/v2.1' },
  { type: 'image', name: 'glance', path: '/image' },
  { type: 'network', name: 'neutron', path: '/networking' },
];

export interface ResolvedLayout {
  regions: string[];
  interfaces: SimInterface[];
  entries: 'per-service' | 'per-region';
  paths: Record<SimService, string>;
}

export function resolveLayout(layout: CatalogLayout = {}): ResolvedLayout {
  const regions = layout.regions ?? [REGION];
  const interfaces = layout.interfaces ?? ['public', 'internal'];
  if (regions.length === 0 || regions.some((r) => !/^[A-Za-z0-9-]+$/.test(r))) {
    throw new Error('catalog.regions: one or more region names of letters, digits and dashes');
  }
  if (interfaces.length === 0) throw new Error('catalog.interfaces: at least one interface');
  const paths = Object.fromEntries(CATALOG_ENTRIES.map((e) => [e.type, e.path])) as Record<SimService, string>;
  for (const [service, path] of Object.entries(layout.paths ?? {}) as [SimService, string][]) {
    const prefix = Object.values(SERVICE_PREFIX).find((p) => p.service === service)?.base;
    if (!prefix || !(path === prefix || path.startsWith(`${prefix}/`))) {
      throw new Error(`catalog.paths.${service} must start with ${prefix}`);
    }
    paths[service] = path;
  }
  return { regions, interfaces, entries: layout.entries ?? 'per-service', paths };
}

/** The URL prefix of a region and interface: the first region and `public` sit at the root. */
function endpointPrefix(layout: ResolvedLayout, region: string, iface: SimInterface): string {
  const regionPart = region === layout.regions[0] ? '' : `/region/${region}`;
  return `${regionPart}${iface === 'public' ? '' : `/${iface}`}`;
}

/** A token's catalog: every service in every region and interface, `{project_id}` filled in. */
export function catalog(baseUrl: string, layout: ResolvedLayout, projectId: string) {
  const endpoint = (path: string, region: string, iface: SimInterface) => ({
    id: hexId(),
    interface: iface,
    region,
    region_id: region,
    url: `${baseUrl}${endpointPrefix(layout, region, iface)}${path.replace('{project_id}', projectId)}`,
  });
  const endpoints = (type: SimService, regions: string[]) =>
    regions.flatMap((region) => layout.interfaces.map((iface) => endpoint(layout.paths[type], region, iface)));
  const groups = layout.entries === 'per-region' ? layout.regions.map((region) => [region]) : [layout.regions];
  return groups.flatMap((regions) =>
    CATALOG_ENTRIES.map(({ type, name }) => ({ id: hexId(), type, name, endpoints: endpoints(type, regions) })),
  );
}

/** The region and interface a request path came in on, and the path left after their prefix. */
export function routeEndpoint(
  layout: ResolvedLayout,
  path: string,
): { region: string; iface: SimInterface; rest: string } | undefined {
  let region = layout.regions[0];
  let rest = path;
  const regional = /^\/region\/([^/]+)(\/.*)?$/.exec(rest);
  if (regional) {
    if (!layout.regions.slice(1).includes(regional[1])) return undefined;
    region = regional[1];
    rest = regional[2] ?? '';
  }
  const iface = layout.interfaces.find((i) => i !== 'public' && (rest === `/${i}` || rest.startsWith(`/${i}/`)));
  if (iface) return { region, iface, rest: rest.slice(iface.length + 1) };
  return layout.interfaces.includes('public') ? { region, iface: 'public', rest } : undefined;
}

/** The URL of a request's own endpoint prefix, for the links an answer carries. */
export function endpointRoot(baseUrl: string, layout: ResolvedLayout, region: string, iface: SimInterface): string {
  return `${baseUrl}${endpointPrefix(layout, region, iface)}`;
}
