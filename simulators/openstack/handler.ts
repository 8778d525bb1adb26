import type { IncomingMessage, ServerResponse } from 'node:http';
import { pause, parseJson, readBody, type Reply } from '../http';
import { SERVICE_PREFIX } from './catalog';
import { control } from './control';
import { inScope, rollFault } from './faults';
import { MIN_MICROVERSION, negotiateMicroversion, versionDocument } from './microversion';
import { routes } from './routes';
import type { SimState } from './state';
import { countCall } from './stats';
import { errorReply, send } from './wire';

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * One request, start to end: the control API, or a service's route with, in order, its call counted,
 * injected latency and faults, the token check, the compute microversion, and the answer.
 */
export function createHandler(state: SimState): (req: IncomingMessage, res: ServerResponse) => void {
  const table = routes(state);
  const { faults } = state;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const arrivedAt = Date.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://simulator');
    let text: string;
    try {
      text = await readBody(req, MAX_BODY_BYTES);
    } catch {
      // A body over 1 MiB (or a request that broke off) gets no answer: the connection is dropped.
      res.destroy();
      return;
    }
    let body: unknown;
    try {
      body = text ? parseJson(text) : undefined;
    } catch {
      return send(res, { status: 400, body: { error: 'the body is not JSON' } });
    }
    if (url.pathname.startsWith('/control/')) return send(res, control(state, method, url.pathname, body));

    const internal = url.pathname.startsWith('/internal/');
    const path = internal ? url.pathname.slice('/internal'.length) : url.pathname;
    const prefix = SERVICE_PREFIX[path.split('/')[1] ?? ''];
    if (!prefix) return send(res, { status: 404, body: { error: `no service at ${path}` } });
    const { service } = prefix;
    let rest = path.slice(prefix.base.length);
    let endpoint = `${state.baseUrl}${internal ? '/internal' : ''}${prefix.base}`;
    if (service === 'compute') {
      if (rest === '' || rest === '/') {
        countCall(state.stats, 'compute GET (versions)');
        const version = versionDocument(`${endpoint}/v2.1`, state.maxMicroversion);
        return send(res, { status: 200, body: { versions: [version] } });
      }
      if (!rest.startsWith('/v2.1')) return send(res, errorReply('compute', 404, `no compute API at ${rest}`));
      rest = rest.slice('/v2.1'.length);
      endpoint += '/v2.1';
    }

    const candidates = table.filter((r) => r.service === service && r.pattern.test(rest));
    const route = candidates.find((r) => r.method === method);
    const routeName = route?.route ?? candidates[0]?.route ?? '(unknown)';
    countCall(state.stats, `${service} ${method} ${routeName}`);
    const createRecord =
      service === 'compute' && method === 'POST' && routeName === '/servers'
        ? { name: String((body as { server?: { name?: unknown } } | undefined)?.server?.name), at: arrivedAt }
        : undefined;
    if (createRecord) state.stats.createRequests.push(createRecord);
    const answer = (reply: Reply) => {
      if (createRecord) (createRecord as { status?: number }).status = reply.status;
      send(res, reply);
    };
    const drop = () => {
      if (createRecord) (createRecord as { status?: string }).status = 'dropped';
      req.socket.destroy();
    };

    const scoped = inScope(faults, service, method, routeName);
    if (scoped && faults.latencyMs > 0) {
      state.stats.faults.latency += 1;
      if (!(await pause(faults.latencyMs, state.closing.signal))) return;
    }
    const fault = scoped ? rollFault(faults, state.random, state.stats) : undefined;
    if (fault === 'drop' && !faults.dropAfterHandling) return drop();
    if (fault === 'error') {
      const status = faults.errorStatus ?? (state.random() < 0.5 ? 500 : 503);
      return answer(errorReply(service, status, 'simulated failure'));
    }
    if (fault === 'rateLimit') {
      const reply = errorReply(service, 429, 'simulated rate limit');
      return answer({ ...reply, headers: { ...reply.headers, 'Retry-After': String(faults.retryAfterSeconds) } });
    }

    if (!route) {
      return answer(
        candidates.length
          ? errorReply(service, 405, `${method} not allowed`)
          : errorReply(service, 404, `no route ${rest}`),
      );
    }
    const token = state.identity.validate(req.headers['x-auth-token'] as string | undefined);
    if (!route.public && !token) {
      state.stats.unauthorized += 1;
      return answer(errorReply(service, 401, 'The request you have made requires authentication.'));
    }
    let microversion = MIN_MICROVERSION;
    let headers: Record<string, string> = {};
    if (service === 'compute') {
      const negotiated = negotiateMicroversion(req.headers, state.maxMicroversion, state.stats);
      if ('refusal' in negotiated) return answer(negotiated.refusal);
      ({ microversion, headers } = negotiated);
    }
    const params = (route.pattern.exec(rest) ?? []).slice(1).map(decodeURIComponent);
    const reply = route.handle({
      service,
      method,
      params,
      query: url.searchParams,
      body,
      token,
      microversion,
      endpoint,
    });
    if (fault === 'drop') return drop();
    answer({ ...reply, headers: { ...headers, ...reply.headers } });
  };

  return (req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) send(res, { status: 500, body: { error: String(err) } });
    });
  };
}
