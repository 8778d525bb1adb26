import { isJsonObject, type Reply } from '../http';
import { defaultFaults } from './faults';
import type { JobLifecycle } from './job-lifecycle';
import type { Lifecycle } from './lifecycle';
import type { GitHubState } from './state';
import type { QueueJobRequest } from './types';
import { failure } from './wire';

/**
 * The control API under `/control/`, for a test driving a simulator in another process; it needs no
 * authentication. GET or PUT (merge) /control/faults, GET /control/stats, GET /control/runners, GET
 * /control/killed-jobs,
 * POST /control/runners/boot {encoded_jit_config}, POST (assign) or DELETE (finish)
 * /control/runners/{name}/job; GET /control/jobs, POST /control/jobs {labels, owner?, repo?, status?}
 * (201 {id, url}), POST /control/jobs/pickup, POST /control/jobs/{id}/finish {conclusion?}; PUT
 * /control/webhook {url, secret, content_type?: form (default) or json} or DELETE it. A lifecycle step
 * that is not possible now answers 409, a request no job could come from 422.
 */
export function control(
  state: GitHubState,
  lifecycle: Lifecycle & JobLifecycle,
  method: string | undefined,
  path: string,
  body: unknown,
): Reply {
  const { simulator } = state;
  const input = isJsonObject(body) ? body : {};
  const job = /^\/control\/runners\/([^/]+)\/job$/.exec(path);
  const finish = /^\/control\/jobs\/(\d+)\/finish$/.exec(path);
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
    if (path === '/control/killed-jobs' && method === 'GET') return { status: 200, body: lifecycle.killedJobs() };
    if (path === '/control/runners/boot' && method === 'POST') {
      return { status: 200, body: lifecycle.bootRunner(String(input.encoded_jit_config)) };
    }
    if (job && method === 'POST') return { status: 200, body: lifecycle.assignJob(decodeURIComponent(job[1])) };
    if (job && method === 'DELETE') {
      lifecycle.finishJob(decodeURIComponent(job[1]));
      return { status: 204 };
    }
    if (path === '/control/jobs' && method === 'GET') return { status: 200, body: lifecycle.jobs() };
    if (path === '/control/jobs' && method === 'POST') {
      return { status: 201, body: lifecycle.queueJob(input as unknown as QueueJobRequest) };
    }
    if (path === '/control/jobs/pickup' && method === 'POST') return { status: 200, body: lifecycle.pickUpJobs() };
    if (finish && method === 'POST') {
      const conclusion = typeof input.conclusion === 'string' ? input.conclusion : undefined;
      lifecycle.finishJobById(Number(finish[1]), conclusion);
      return { status: 204 };
    }
    if (path === '/control/webhook' && method === 'PUT') {
      if (typeof input.url !== 'string' || !URL.canParse(input.url) || typeof input.secret !== 'string') {
        return failure(422, 'a webhook needs a url and a secret');
      }
      const contentType = input.content_type ?? 'form';
      if (contentType !== 'form' && contentType !== 'json') return failure(422, 'content_type is form or json');
      simulator.webhook = { url: input.url, secret: input.secret, contentType };
      return { status: 204 };
    }
    if (path === '/control/webhook' && method === 'DELETE') {
      simulator.webhook = undefined;
      return { status: 204 };
    }
    return failure(404, 'Not Found');
  } catch (err) {
    return failure(err instanceof TypeError ? 422 : 409, err instanceof Error ? err.message : String(err));
  }
}
