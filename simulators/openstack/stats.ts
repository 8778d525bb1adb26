import type { OpenStackSimulatorStats } from './types';

/** The live counters: fresh ones, and how a call is counted. */

export function emptyStats(): OpenStackSimulatorStats {
  return {
    calls: {},
    tokensIssued: 0,
    unauthorized: 0,
    microversions: {},
    serversListed: 0,
    createRequests: [],
    faults: { latency: 0, error: 0, rateLimit: 0, drop: 0 },
  };
}

/** One more call of `key`: `<service> <METHOD> <route>`, e.g. `compute GET /servers/detail`. */
export function countCall(stats: OpenStackSimulatorStats, key: string): void {
  stats.calls[key] = (stats.calls[key] ?? 0) + 1;
}
