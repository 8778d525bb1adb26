import type { IncomingMessage, ServerResponse } from 'node:http';
import { pause, type Reply } from '../http';
import { injectedFault } from './faults';
import { registrationEntry } from './registration-journal';
import { routes } from './routes';
import type { GitHubState } from './state';
import { failure, Refusal, send, type Context, type Route } from './wire';

/**
 * One API request (not /control/), start to end: its call counted and kept in flight, injected latency,
 * a dropped connection, the rate-limit headers, an injected fault, or else authentication, the primary and
 * secondary rate limits of the request's credential, and the route.
 */
export function createApi(
  state: GitHubState,
): (req: IncomingMessage, res: ServerResponse, url: URL, body: unknown) => Promise<void> {
  const { stats, simulator } = state;
  const table = routes(state);

  const dispatch = (
    req: IncomingMessage,
    matched: Route | undefined,
    context: Context,
    route: string,
    primaryRefusal: Reply | undefined,
  ): Reply => {
    if (!matched) return failure(404, 'Not Found');
    const problem = state.auth.problem(req, matched.auth);
    if (problem) return failure(401, problem);
    if (primaryRefusal) {
      stats.primaryLimited += 1;
      return primaryRefusal;
    }
    const limited = state.secondary.admit(state.auth.credentialOf(req), matched.method, route);
    if (limited) return limited;
    try {
      return matched.handle(context);
    } catch (err) {
      if (err instanceof Refusal) return err.reply;
      throw err;
    }
  };

  return async (req, res, url, body) => {
    const match = table
      .map((route) => ({ route, found: route.method === req.method ? route.pattern.exec(url.pathname) : null }))
      .find(({ found }) => found !== null);
    const params = { ...match?.found?.groups };
    const key = `${req.method} ${match ? match.route.template(params) : url.pathname}`;
    const credential = state.auth.credentialOf(req);
    stats.calls[key] = (stats.calls[key] ?? 0) + 1;
    stats.callsByCredential[credential] = (stats.callsByCredential[credential] ?? 0) + 1;
    const entry = registrationEntry(state.runners, key, params, body);
    if (entry) stats.registrationRequests.push(entry);
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    const done = state.secondary.arrived(credential);
    res.on('close', () => {
      stats.inFlight -= 1;
      done();
    });
    if (simulator.faults.latencyMs > 0 && !(await pause(simulator.faults.latencyMs, state.closing.signal))) return;
    if (Math.random() < simulator.faults.dropRate) {
      stats.faultsInjected.dropped += 1;
      if (entry) Object.assign(entry, { status: 'dropped', answeredAt: Date.now() });
      req.socket.destroy();
      return;
    }
    const { headers, refusal } = state.primary.use(credential);
    const reply =
      injectedFault(simulator.faults, stats) ?? dispatch(req, match?.route, { params, url, body }, key, refusal);
    if (entry) Object.assign(entry, { status: reply.status, answeredAt: Date.now() });
    send(res, { ...reply, headers: { ...headers, ...reply.headers } });
  };
}
