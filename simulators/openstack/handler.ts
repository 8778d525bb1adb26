import type { IncomingMessage, ServerResponse } from 'node:http';
import { pause, parseJson, readBody, type Reply } from '../http';
import { SERVICE_PREFIX, endpointRoot, routeEndpoint } from './catalog';
import { control } from './control';
import { inScope, rollFault } from './faults';
import { MIN_MICROVERSION, negotiateMicroversion, versionDocument } from './microversion';
import { routes } from './routes';
import type { SimState } from './state';
import { tally } from './stats';
import { errorReply, send, unauthorized } from './wire';

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
    if (url.pathname.startsWith('/control/')) {
      let controlBody: unknown;
      try {
        controlBody = text ? parseJson(text) : undefined;
      } catch {
        return send(res, { status: 400, body: { error: 'the body is not JSON' } });
      }
      return send(res, control(state, method, url.pathname, controlBody));
    }

    const at = routeEndpoint(state.layout, url.pathname);
    const prefix = at && SERVICE_PREFIX[at.rest.split('/')[1] ?? ''];
    if (!at || !prefix) return send(res, { status: 404, body: { error: `no service at ${url.pathname}` } });
    const { service } = prefix;
    tally(state.stats.endpoints, `${at.region} ${at.iface} ${service}`);
    let rest = at.rest.slice(prefix.base.length);
    let endpoint = `${endpointRoot(state.baseUrl, state.layout, at.region, at.iface)}${prefix.base}`;
    let urlProjectId: string | undefined;
    if (service === 'compute') {
      if (rest === '' || rest === '/') {
        tally(state.stats.calls, 'compute GET (versions)');
        const version = versionDocument(`${endpoint}/v2.1`, state.maxMicroversion);
        return send(res, { status: 200, body: { versions: [version] } });
      }
      if (!/^\/v2\.1(\/|$)/.test(rest)) return send(res, errorReply('compute', 404, `no compute API at ${rest}`));
      rest = rest.slice('/v2.1'.length);
      endpoint += '/v2.1';
      // Nova routes every path with and without a project id first; it is hex and dashes, as no
      // collection name is (nova/api/openstack/__init__.py, ProjectMapper).
      const projectPart = /^\/([0-9a-f-]+)(?=\/|$)/.exec(rest);
      if (projectPart) {
        urlProjectId = projectPart[1];
        rest = rest.slice(projectPart[0].length);
        endpoint += projectPart[0];
      }
    }
    let body: unknown;
    try {
      body = text ? parseJson(text) : undefined;
    } catch {
      return send(res, errorReply(service, 400, 'Malformed request body'));
    }

    const candidates = table.filter((r) => r.service === service && r.pattern.test(rest));
    const route = candidates.find((r) => r.method === method);
    const routeName = route?.route ?? candidates[0]?.route ?? '(unknown)';
    tally(state.stats.calls, `${service} ${method} ${routeName}`);
    const createRecord =
      service === 'compute' && method === 'POST' && routeName === '/servers'
        ? { name: String((body as { server?: { name?: unknown } } | undefined)?.server?.name), at: arrivedAt }
        : undefined;
    if (createRecord) state.stats.createRequests.push(createRecord);
    const answer = (reply: Reply) => {
      if (createRecord) Object.assign(createRecord, { status: reply.status, answeredAt: Date.now() });
      send(res, reply);
    };
    const drop = () => {
      if (createRecord) Object.assign(createRecord, { status: 'dropped', answeredAt: Date.now() });
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
      return answer(unauthorized(`${state.baseUrl}/identity`));
    }
    if (urlProjectId !== undefined && token && urlProjectId !== token.project.id) {
      return answer(
        errorReply(
          'compute',
          400,
          `Malformed request URL: URL's project_id '${urlProjectId}' doesn't match Context's project_id '${token.project.id}'`,
        ),
      );
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
      headers: req.headers,
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
