import http from 'node:http';
import { BadRequest, closeServer, listen, pause } from '../http';
import { serveControl } from './control';
import { injectedError, pathNotFound, plannerErrors, writeError, type PlannerError } from './errors';
import { defaultFaults, isNonNegativeInteger } from './faults';
import { startKeepAliveTicker } from './keep-alive';
import { PressureModel } from './pressure-model';
import { ALL_FLAVORS, createStreamWriter, type Stream } from './stream-writer';
import type {
  KeepAliveMode,
  PlannerSimulator,
  PlannerSimulatorOptions,
  PlannerSimulatorStats,
  StreamRecord,
} from './types';

/**
 * A planner for tests and local runs, on the real planner's wire format and behaviour as observed:
 * NDJSON pressure lines over `GET /api/v1/flavors/{name}/pressure?stream=true` (`stream` compared
 * ignoring case: `TRUE` streams, `1` answers the one-shot JSON), the current value written on connect
 * and on each change, keep-alives from one shared ticker (keep-alive.ts), `text/plain` errors
 * (errors.ts), auth checked only at connect, a deleted flavor's open streams kept open on `{}` lines,
 * flavor `_` for every flavor at once, a graceful shutdown, and the pressure computed from jobs
 * (pressure-model.ts). Faults are injected through `faults` or `PUT /control/faults`; the rest is
 * driven in process or over `/control/` (control.ts), so another process can drive it (main.ts).
 */

export type { MalformedKind, PlannerFaults } from './faults';
export { MALFORMED_KINDS } from './faults';
export type { JobStatus, QueuedJob } from './pressure-model';
export type { KeepAliveMode, PlannerSimulator, PlannerSimulatorOptions, PlannerSimulatorStats, StreamRecord };

const MAX_STREAM_RECORDS = 10_000;

export async function startPlannerSimulator(options: PlannerSimulatorOptions = {}): Promise<PlannerSimulator> {
  const model = new PressureModel(options.now ?? Date.now);
  let tokens = options.token === undefined ? undefined : new Set([options.token]);
  const streamsByFlavor = new Map<string, Set<Stream>>();
  /** The value each flavor's streams were last told (absent: deleted or never defined). */
  const published = new Map<string, number>();
  const faults = defaultFaults();
  const stats: PlannerSimulatorStats = {
    connectionsOpened: 0,
    connectionsOpen: 0,
    requests: {},
    linesWritten: 0,
    get ticks() {
      return ticker.ticks;
    },
    malformedWritten: {},
    streams: [],
  };
  const closing = new AbortController();
  let shuttingDown: Promise<void> | undefined;
  const writer = createStreamWriter({ model, faults, stats, onLineWritten: options.onLineWritten });
  const ticker = startKeepAliveTicker<Stream>(options.keepAlive ?? 'shared', options.resendIntervalMs ?? 30_000, {
    resend(stream, held) {
      if (!writer.sendValue(stream)) return;
      stream.record.keepAlives += 1;
      if (held) stream.record.heldTick = true;
    },
  });

  const count = (status: number) => (stats.requests[status] = (stats.requests[status] ?? 0) + 1);
  const refuse = (res: http.ServerResponse, error: PlannerError, echo?: string) => {
    count(error.status);
    writeError(res, error, echo);
  };

  /** Tells the streams of each flavor whose value changed, and the `_` streams once if any did. */
  const publish = (flavors: Iterable<string | undefined>) => {
    let changed = false;
    for (const flavor of flavors) {
      if (flavor === undefined) continue;
      const value = model.pressure(flavor);
      if (published.get(flavor) === value) continue;
      if (value === undefined) published.delete(flavor);
      else published.set(flavor, value);
      changed = true;
      for (const stream of streamsByFlavor.get(flavor) ?? []) writer.sendValue(stream);
    }
    if (changed) for (const stream of streamsByFlavor.get(ALL_FLAVORS) ?? []) writer.sendValue(stream);
  };

  /** Auth is checked here, at connect, and never again on an open stream. */
  const authorize = (req: http.IncomingMessage): PlannerError | undefined => {
    if (tokens === undefined) return undefined;
    const header = req.headers.authorization;
    if (header === undefined || !header.startsWith('Bearer ')) return plannerErrors.invalidAuthorization;
    if (faults.databaseDown) return plannerErrors.tokenUnverifiable;
    return tokens.has(header.slice('Bearer '.length)) ? undefined : plannerErrors.unauthorized;
  };

  const openStream = (res: http.ServerResponse, flavor: string) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.flushHeaders();
    count(200);
    const record: StreamRecord = {
      id: stats.connectionsOpened + 1,
      flavor,
      openedAt: Date.now(),
      linesWritten: 0,
      keepAlives: 0,
    };
    const stream: Stream = { record, res, open: true, valueLinesSinceOdd: 0, splitting: false, backlog: [] };
    stats.connectionsOpened += 1;
    stats.connectionsOpen += 1;
    stats.streams.push(record);
    if (stats.streams.length > MAX_STREAM_RECORDS) stats.streams.shift();
    const peers = streamsByFlavor.get(flavor) ?? new Set<Stream>();
    streamsByFlavor.set(flavor, peers);
    peers.add(stream);
    res.on('close', () => {
      stream.open = false;
      record.closedAt = Date.now();
      stats.connectionsOpen -= 1;
      peers.delete(stream);
      if (peers.size === 0) streamsByFlavor.delete(flavor);
      ticker.closed(stream);
    });
    writer.sendValue(stream);
    ticker.opened(stream);
  };

  const serveApi = async (req: http.IncomingMessage, res: http.ServerResponse, flavor: string, streaming: boolean) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, plannerErrors.methodNotAllowed);
    if (faults.latencyMs > 0) {
      if (!(await pause(faults.latencyMs, closing.signal)) || res.destroyed) return;
    }
    if (faults.status !== undefined) {
      return refuse(
        res,
        injectedError(faults.status),
        faults.echoAuthorization ? req.headers.authorization : undefined,
      );
    }
    if (streaming && Math.random() < faults.errorRate) return refuse(res, injectedError(503));
    const unauthorized = authorize(req);
    if (unauthorized) return refuse(res, unauthorized);
    if (flavor !== ALL_FLAVORS && !model.has(flavor)) return refuse(res, plannerErrors.flavorNotFound);
    if (streaming && req.method === 'GET') return openStream(res, flavor);
    count(200);
    const value = flavor === ALL_FLAVORS ? model.all() : { [flavor]: model.pressure(flavor) };
    res.writeHead(200, { 'content-type': streaming ? 'application/x-ndjson' : 'application/json' });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(value));
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://planner');
    const path = url.pathname.split('/').slice(1).map(decodeSegment);
    if (path[0] === 'control') {
      const { status, body } = await serveControl(simulator, req, path.slice(1));
      return answerJson(res, status, body);
    }
    const [api, version, flavors, flavor, pressure, ...rest] = path;
    if (api === 'api' && version === 'v1' && flavors === 'flavors' && pressure === 'pressure' && rest.length === 0) {
      return serveApi(req, res, flavor, url.searchParams.get('stream')?.toLowerCase() === 'true');
    }
    writeError(res, pathNotFound);
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof BadRequest) answerJson(res, 400, { error: err.message });
      else answerJson(res, 500, { error: String(err) });
    });
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);

  const cutStreams = () => {
    for (const peers of streamsByFlavor.values()) {
      for (const stream of peers) {
        stream.open = false;
        // Destroying the socket ends the chunked body without its final chunk, as the planner does.
        stream.res.socket?.destroy();
      }
    }
  };

  let down: Promise<void> | undefined;

  const simulator: PlannerSimulator = {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    faults,
    stats,
    setPressure(flavor, value) {
      if (!isNonNegativeInteger(value))
        throw new RangeError(`pressure must be a non-negative integer, not ${value as number}`);
      model.define(flavor, { minimumPressure: value });
      publish([flavor]);
    },
    defineFlavor(flavor, definition) {
      model.define(flavor, definition);
      publish([flavor]);
    },
    removeFlavor(flavor) {
      model.remove(flavor);
      publish([flavor]);
    },
    pressure: (flavor) => model.pressure(flavor),
    queueJob(job) {
      const flavor = model.queueJob(job);
      publish([flavor]);
      return flavor;
    },
    setJobStatus(id, status) {
      publish([model.setJobStatus(id, status)]);
    },
    setTokens(accepted) {
      tokens = new Set(accepted);
    },
    dropStreams: cutStreams,
    goDown() {
      down ??= closeServer(server).then(() => cutStreams());
      return down;
    },
    async comeBack() {
      if (!down) return;
      await down;
      await listen(server, port, host);
      down = undefined;
    },
    shutdown(graceMs = options.shutdownGraceMs ?? 30_000) {
      shuttingDown ??= (async () => {
        // Stops listening at once: a new connection is refused while the open streams flow on.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await pause(graceMs, closing.signal);
        cutStreams();
        server.closeAllConnections();
        ticker.stop();
        await closed;
      })();
      return shuttingDown;
    },
    async close() {
      closing.abort();
      ticker.stop();
      cutStreams();
      await closeServer(server);
      await shuttingDown;
    },
  };
  return simulator;
}

function answerJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadRequest(`bad percent-encoding in ${JSON.stringify(segment)}`);
  }
}
