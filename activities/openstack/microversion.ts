import { OpenStackError, isOpenStackError } from './errors';
import type { KeystoneSession } from './keystone';

/** A compute microversion, "2.79". */
export type Microversion = string;

interface VersionDocument {
  id?: string;
  status?: string;
  version?: string;
  min_version?: string;
}

/**
 * Reads the version document at the compute API base (`{"version": {...}}` at `…/v2.1/`, see apiBase) and
 * picks the newest microversion both sides speak. Undefined when the cloud has no microversions: then
 * every call gets the 2.1 base behaviour, which is all this client relies on.
 */
export async function negotiateMicroversion(
  session: KeystoneSession,
  wantedMax: Microversion,
): Promise<Microversion | undefined> {
  let body: { version?: VersionDocument } | undefined;
  try {
    body = (await session.request('compute', 'GET', '/')).body as typeof body;
  } catch (err) {
    if (isOpenStackError(err, 'not-found')) return undefined;
    throw err;
  }
  const document = body?.version;
  if (!document?.version) return undefined;
  const chosen = compareMicroversions(document.version, wantedMax) < 0 ? document.version : wantedMax;
  if (document.min_version && compareMicroversions(document.min_version, chosen) > 0) {
    throw new OpenStackError(
      `the compute API needs microversion ${document.min_version} or newer; this client speaks up to ${wantedMax}`,
      { kind: 'config', retryable: false },
    );
  }
  return chosen;
}

export function compareMicroversions(a: Microversion, b: Microversion): number {
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor - bMajor || (aMinor || 0) - (bMinor || 0);
}
