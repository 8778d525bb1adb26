import type { IncomingHttpHeaders } from 'node:http';
import type { Reply } from '../http';
import type { OpenStackSimulatorStats } from './types';
import { errorReply } from './wire';

/** Compute microversions: their order, the negotiation of one per request, and the version document. */

export const MIN_MICROVERSION = '2.1';

export function compareVersions(a: string, b: string): number {
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/**
 * The microversion a compute request asked for (counted in stats; the minimum without a header) and the
 * headers that answer it, or a 406 for one outside the range served.
 */
export function negotiateMicroversion(
  requestHeaders: IncomingHttpHeaders,
  maxMicroversion: string,
  stats: OpenStackSimulatorStats,
): { microversion: string; headers: Record<string, string> } | { refusal: Reply } {
  let microversion = MIN_MICROVERSION;
  const header = requestHeaders['openstack-api-version'];
  const requested =
    (typeof header === 'string' && /^compute\s+(\S+)$/i.exec(header.trim())?.[1]) ||
    (requestHeaders['x-openstack-nova-api-version'] as string | undefined);
  stats.microversions[requested ?? 'none'] = (stats.microversions[requested ?? 'none'] ?? 0) + 1;
  if (requested) {
    microversion = requested === 'latest' ? maxMicroversion : requested;
    if (
      !/^\d+\.\d+$/.test(microversion) ||
      compareVersions(microversion, MIN_MICROVERSION) < 0 ||
      compareVersions(microversion, maxMicroversion) > 0
    ) {
      return {
        refusal: errorReply(
          'compute',
          406,
          `Version ${requested} is not supported by the API. Minimum is ${MIN_MICROVERSION} and maximum is ${maxMicroversion}.`,
        ),
      };
    }
  }
  const headers: Record<string, string> = {
    'OpenStack-API-Version': `compute ${microversion}`,
    'X-OpenStack-Nova-API-Version': microversion,
    Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
  };
  return { microversion, headers };
}

/** The v2.1 version document, at `<endpoint>/` and in the list at the compute root. */
export function versionDocument(endpoint: string, maxMicroversion: string) {
  return {
    id: 'v2.1',
    status: 'CURRENT',
    version: maxMicroversion,
    min_version: MIN_MICROVERSION,
    updated: '2013-07-23T11:33:21Z',
    links: [{ rel: 'self', href: `${endpoint}/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
  };
}
