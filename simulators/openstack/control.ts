import type { Reply } from '../http';
import { normalizeFaults, replaceFaults } from './faults';
import type { SimState } from './state';
import { emptyStats } from './stats';

/**
 * The control API under `/control/`, for a test driving a simulator in another process; it needs no token:
 *
 *   GET|PUT /control/faults            the fault settings (PUT replaces them all)
 *   GET|DELETE /control/stats          the counters (DELETE resets them)
 *   GET /control/servers               every server, as `servers()` returns them
 *   POST /control/revoke-tokens        as `revokeTokens()`
 *   PUT /control/servers/{id}/status   {status, fault?}, as `setServerStatus()`
 *   PUT /control/boot-delay            {ms}, as `setBootDelay()`
 */
export function control(state: SimState, method: string, path: string, body: unknown): Reply {
  const { faults, servers } = state;
  if (path === '/control/faults' && method === 'GET') return { status: 200, body: faults };
  if (path === '/control/faults' && method === 'PUT') {
    try {
      replaceFaults(faults, normalizeFaults(body));
    } catch (err) {
      return { status: 400, body: { error: (err as Error).message } };
    }
    return { status: 200, body: faults };
  }
  if (path === '/control/stats' && method === 'GET') return { status: 200, body: state.stats };
  if (path === '/control/stats' && method === 'DELETE') {
    state.stats = emptyStats();
    return { status: 204 };
  }
  if (path === '/control/servers' && method === 'GET') return { status: 200, body: { servers: servers.list() } };
  if (path === '/control/revoke-tokens' && method === 'POST') {
    state.identity.revokeAll();
    return { status: 204 };
  }
  if (path === '/control/boot-delay' && method === 'PUT') {
    try {
      servers.setBootDelay((body as { ms?: number } | undefined)?.ms ?? Number.NaN);
    } catch (err) {
      return { status: 400, body: { error: (err as Error).message } };
    }
    return { status: 204 };
  }
  const status = /^\/control\/servers\/([^/]+)\/status$/.exec(path);
  if (status && method === 'PUT') {
    const { status: value, fault } = (body ?? {}) as { status?: unknown; fault?: unknown };
    const record = servers.get(decodeURIComponent(status[1]));
    if (!record || typeof value !== 'string') return { status: 404, body: { error: 'no such server, or no status' } };
    servers.changeStatus(record, value, typeof fault === 'string' ? fault : undefined);
    return { status: 204 };
  }
  return { status: 404, body: { error: `no control route ${method} ${path}` } };
}
