import type { Reply } from '../http';
import { defaultFaults } from './faults';
import type { Lifecycle } from './lifecycle';
import type { GitHubState } from './state';
import { failure } from './wire';

/**
 * The control API under `/control/`, for a test driving a simulator in another process; it needs no
 * authentication. GET or PUT (merge) /control/faults, GET /control/stats, GET /control/runners,
 * POST /control/runners/boot {encoded_jit_config}, and POST (assign) or DELETE (finish)
 * /control/runners/{name}/job. A lifecycle step that is not possible now answers 409.
 */
export function control(
  state: GitHubState,
  lifecycle: Lifecycle,
  method: string | undefined,
  path: string,
  body: unknown,
): Reply {
  const { simulator } = state;
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const job = /^\/control\/runners\/([^/]+)\/job$/.exec(path);
  try {
    if (path === '/control/faults' && method === 'GET') return { status: 200, body: simulator.faults };
    if (path === '/control/faults' && method === 'PUT') {
      const unknown = Object.keys(input).filter((key) => !(key in defaultFaults()) && key !== 'rateLimit');
      if (unknown.length > 0) return failure(422, `unknown faults: ${unknown.join(', ')}`);
      Object.assign(simulator.faults, input);
      return { status: 200, body: simulator.faults };
    }
    if (path === '/control/stats' && method === 'GET') return { status: 200, body: state.stats };
    if (path === '/control/runners' && method === 'GET') return { status: 200, body: lifecycle.runners() };
    if (path === '/control/runners/boot' && method === 'POST') {
      return { status: 200, body: lifecycle.bootRunner(String(input.encoded_jit_config)) };
    }
    if (job && method === 'POST') return { status: 200, body: lifecycle.assignJob(decodeURIComponent(job[1])) };
    if (job && method === 'DELETE') {
      lifecycle.finishJob(decodeURIComponent(job[1]));
      return { status: 204 };
    }
    return failure(404, 'Not Found');
  } catch (err) {
    return failure(409, err instanceof Error ? err.message : String(err));
  }
}
