import type { OpenStackSimulatorStats } from './types';

/** The live counters: fresh ones, and how a call is counted. */

export function emptyStats(): OpenStackSimulatorStats {
  return {
    calls: {},
    tokensIssued: 0,
    unauthorized: 0,
    endpoints: {},
    microversions: {},
    serversListed: 0,
    serverLookups: 0,
    createRequests: [],
    faults: { latency: 0, error: 0, rateLimit: 0, drop: 0 },
  };
}

/** One more of `key` in a counter: a call (`compute GET /servers/detail`), an endpoint (`RegionOne public`). */
export function tally(counter: Record<string, number>, key: string): void {
  counter[key] = (counter[key] ?? 0) + 1;
}
