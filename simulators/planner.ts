import http from 'node:http';
import { parseArgs } from 'node:util';
import { BadRequest, closeServer, exitOnSignals, isJsonObject, listen, parseJson, readBody } from './http';

/**
 * A planner for tests and local runs, on the real wire format: NDJSON pressure lines over
 * `GET /api/v1/flavors/{name}/pressure?stream=true`, written on connect, on each change and every
 * `resendIntervalMs`. Faults are injected through `faults` or `PUT /control/faults`; values are set
 * through `setPressure` or `PUT /control/flavors/{name}/pressure`, so another process can drive it.
 */

/** Odd lines `malformedEvery` injects. All but 'split' are unusable; 'split' is a valid line sent in two pieces. */
export type MalformedKind =
  | 'malformed-json'
  | 'not-an-object'
  | 'missing-flavor'
  | 'negative'
  | 'fraction'
  | 'string-value'
  | 'unsafe-integer'
  | 'huge-line'
  | 'split';

export const MALFORMED_KINDS: readonly MalformedKind[] = [
  'malformed-json',
  'not-an-object',
  'missing-flavor',
  'negative',
  'fraction',
  'string-value',
  'unsafe-integer',
  'huge-line',
  'split',
];

/** Faults apply to the pressure API (stream and one-shot), never to the control endpoints. */
export interface PlannerFaults {
  /** Delay before answering. */
  latencyMs: number;
  /** Fraction (0..1) of stream requests answered 503. */
  errorRate: number;
  /** Answer every request with this status instead; undefined = off. */
  status?: number;
  /** Destroy a stream's socket once this many lines have been written to it. */
  dropAfterLines?: number;
  /** After every N value lines of a stream, write one line of `malformedKinds` (round robin per stream). */
  malformedEvery?: number;
  malformedKinds: MalformedKind[];
  /** Keep streams open but write nothing, re-sends included; new streams get their head and nothing more. */
  stall: boolean;
  /** Error answers quote the request's Authorization header back, as a careless gateway does. */
  echoAuthorization?: boolean;
}

export interface StreamRecord {
  id: number;
  flavor: string;
  /** Date.now() when the stream's head went out, and when its connection closed (for any reason). */
  openedAt: number;
  closedAt?: number;
  linesWritten: number;
}

export interface PlannerSimulatorStats {
  /** Streams (200 answers to stream requests) opened so far, and open now. */
  connectionsOpened: number;
  connectionsOpen: number;
  /** Pressure API requests (not control ones) by answered status code. */
  requests: Record<string, number>;
  linesWritten: number;
  malformedWritten: Partial<Record<MalformedKind, number>>;
  /** The most recent streams, oldest first (bounded: see MAX_STREAM_RECORDS). */
  streams: StreamRecord[];
}

export interface PlannerSimulatorOptions {
  /** The bearer token the API requires; when absent the API answers anyone. */
  token?: string;
  /** Default 30 000, like the real planner. */
  resendIntervalMs?: number;
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Observer for benchmarks, off by default: called with Date.now() after each value line is handed to a
   * stream (its head, a change or a re-send), once per open stream of the flavor.
   */
  onLineWritten?: (flavor: string, pressure: number, at: number) => void;
}

export interface PlannerSimulator {
  url: string;
  setPressure(flavor: string, value: number): void;
  /** Forgets the flavor: new requests get 404, its open streams are ended. */
  removeFlavor(flavor: string): void;
  faults: PlannerFaults;
  stats: PlannerSimulatorStats;
  close(): Promise<void>;
}

const MAX_STREAM_RECORDS = 10_000;
const MAX_CONTROL_BODY_BYTES = 64 * 1024;
/** Long enough for the two halves of a split line to reach the client in separate reads. */
const SPLIT_PAUSE_MS = 20;
/** Over the client's 64 KiB line cap. */
const HUGE_LINE_PADDING = 100 * 1024;

interface Stream {
  record: StreamRecord;
  res: http.ServerResponse;
  /** False once the stream is closed, ended or being dropped: nothing more is written. */
  open: boolean;
  valueLinesSinceOdd: number;
  nextOdd: number;
  /** While the second half of a split line is pending, later lines queue behind it. */
  splitting: boolean;
  backlog: Buffer[];
}

export async function startPlannerSimulator(options: PlannerSimulatorOptions = {}): Promise<PlannerSimulator> {
  const pressures = new Map<string, number>();
  const streamsByFlavor = new Map<string, Set<Stream>>();
  const faults: PlannerFaults = { latencyMs: 0, errorRate: 0, malformedKinds: [...MALFORMED_KINDS], stall: false };
  const stats: PlannerSimulatorStats = {
    connectionsOpened: 0,
    connectionsOpen: 0,
    requests: {},
    linesWritten: 0,
    malformedWritten: {},
    streams: [],
  };

  const answer = (res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const answerApi: typeof answer = (res, status, body, headers) => {
    stats.requests[status] = (stats.requests[status] ?? 0) + 1;
    answer(res, status, body, headers);
  };

  const write = (stream: Stream, payload: Buffer) => {
    if (!stream.open) return;
    if (stream.splitting) {
      stream.backlog.push(payload);
      return;
    }
    stream.record.linesWritten += 1;
    stats.linesWritten += 1;
    const drop = faults.dropAfterLines !== undefined && stream.record.linesWritten >= faults.dropAfterLines;
    if (!drop) {
      stream.res.write(payload);
      return;
    }
    // Destroy only once the line is flushed, so the client reads every line before the connection dies.
    stream.open = false;
    stream.res.write(payload, () => stream.res.socket?.destroy());
  };
  const writeLine = (stream: Stream, text: string) => write(stream, Buffer.from(`${text}\n`));

  /** Splits at the middle byte (possibly inside a multi-byte character) and sends the rest a moment later. */
  const writeSplit = (stream: Stream, text: string) => {
    if (!stream.open || stream.splitting) return writeLine(stream, text);
    const bytes = Buffer.from(`${text}\n`);
    const cut = Math.ceil(bytes.length / 2);
    stream.res.write(bytes.subarray(0, cut));
    stream.splitting = true;
    setTimeout(() => {
      stream.splitting = false;
      const queued = stream.backlog;
      stream.backlog = [];
      write(stream, bytes.subarray(cut));
      for (const payload of queued) write(stream, payload);
    }, SPLIT_PAUSE_MS);
  };

  const writeOdd = (stream: Stream, valueLine: string) => {
    const kinds = faults.malformedKinds;
    if (kinds.length === 0) return;
    const kind = kinds[stream.nextOdd % kinds.length];
    stream.nextOdd += 1;
    stats.malformedWritten[kind] = (stats.malformedWritten[kind] ?? 0) + 1;
    if (kind === 'split') writeSplit(stream, valueLine);
    else writeLine(stream, oddLine(kind, stream.record.flavor, pressures.get(stream.record.flavor) ?? 0));
  };

  const sendValue = (stream: Stream) => {
    const value = pressures.get(stream.record.flavor);
    if (faults.stall || !stream.open || value === undefined) return;
    const line = JSON.stringify({ [stream.record.flavor]: value });
    writeLine(stream, line);
    options.onLineWritten?.(stream.record.flavor, value, Date.now());
    stream.valueLinesSinceOdd += 1;
    if (faults.malformedEvery !== undefined && stream.valueLinesSinceOdd >= faults.malformedEvery) {
      stream.valueLinesSinceOdd = 0;
      writeOdd(stream, line);
    }
  };

  const openStream = (res: http.ServerResponse, flavor: string) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.flushHeaders();
    stats.requests[200] = (stats.requests[200] ?? 0) + 1;
    const record: StreamRecord = { id: stats.connectionsOpened + 1, flavor, openedAt: Date.now(), linesWritten: 0 };
    const stream: Stream = {
      record,
      res,
      open: true,
      valueLinesSinceOdd: 0,
      nextOdd: 0,
      splitting: false,
      backlog: [],
    };
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
    });
    sendValue(stream);
  };

  const serveApi = async (req: http.IncomingMessage, res: http.ServerResponse, flavor: string, streaming: boolean) => {
    if (req.method !== 'GET') return answerApi(res, 405, { error: 'method not allowed' }, { allow: 'GET' });
    if (faults.latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      if (res.destroyed) return;
    }
    if (faults.status !== undefined) {
      const echo = faults.echoAuthorization ? { authorization: req.headers.authorization } : {};
      return answerApi(res, faults.status, { error: `injected status ${faults.status}`, ...echo });
    }
    if (streaming && Math.random() < faults.errorRate) return answerApi(res, 503, { error: 'injected error' });
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      return answerApi(res, 401, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
    }
    const value = pressures.get(flavor);
    if (value === undefined) return answerApi(res, 404, { error: `unknown flavor ${JSON.stringify(flavor)}` });
    if (!streaming) return answerApi(res, 200, { [flavor]: value });
    openStream(res, flavor);
  };

  const serveControl = async (req: http.IncomingMessage, res: http.ServerResponse, path: string[]) => {
    const [resource, name, ...rest] = path;
    const pattern = resource === 'flavors' && name !== undefined ? ['flavors', '{name}', ...rest] : path;
    switch (`${req.method} ${pattern.join('/')}`) {
      case 'GET stats':
        return answer(res, 200, stats);
      case 'GET faults':
        return answer(res, 200, faults);
      case 'PUT faults':
        applyFaults(faults, await readJson(req));
        return answer(res, 200, faults);
      case 'PUT flavors/{name}/pressure': {
        const pressure = ((await readJson(req)) as { pressure?: unknown } | null)?.pressure;
        if (!isNonNegativeInteger(pressure)) throw new BadRequest('body must be {"pressure": <non-negative integer>}');
        simulator.setPressure(name, pressure);
        return answer(res, 200, { [name]: pressure });
      }
      case 'DELETE flavors/{name}':
        simulator.removeFlavor(name);
        return answer(res, 204, undefined);
      default:
        return answer(res, 404, { error: 'no such control endpoint' });
    }
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://planner');
    const path = url.pathname.split('/').slice(1).map(decodeSegment);
    if (path[0] === 'control') return serveControl(req, res, path.slice(1));
    const [api, version, flavors, flavor, pressure, ...rest] = path;
    if (api === 'api' && version === 'v1' && flavors === 'flavors' && pressure === 'pressure' && rest.length === 0) {
      return serveApi(req, res, flavor, url.searchParams.get('stream') === 'true');
    }
    answer(res, 404, { error: 'no such endpoint' });
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof BadRequest) answer(res, 400, { error: err.message });
      else answer(res, 500, { error: String(err) });
    });
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);

  // One timer for every stream: a thousand streams cost one wake-up per interval, not a thousand timers.
  const resend = setInterval(() => {
    for (const peers of streamsByFlavor.values()) for (const stream of peers) sendValue(stream);
  }, options.resendIntervalMs ?? 30_000);
  resend.unref();

  const simulator: PlannerSimulator = {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    faults,
    stats,
    setPressure(flavor, value) {
      if (!isNonNegativeInteger(value)) throw new RangeError(`pressure must be a non-negative integer, not ${value}`);
      const changed = pressures.get(flavor) !== value;
      pressures.set(flavor, value);
      if (changed) for (const stream of streamsByFlavor.get(flavor) ?? []) sendValue(stream);
    },
    removeFlavor(flavor) {
      pressures.delete(flavor);
      for (const stream of streamsByFlavor.get(flavor) ?? []) {
        stream.open = false;
        stream.res.end();
      }
    },
    async close() {
      clearInterval(resend);
      await closeServer(server);
    },
  };
  return simulator;
}

function oddLine(kind: Exclude<MalformedKind, 'split'>, flavor: string, value: number): string {
  const key = JSON.stringify(flavor);
  switch (kind) {
    case 'malformed-json':
      return `{${key}: ${value}`;
    case 'not-an-object':
      return `[${value}]`;
    case 'missing-flavor':
      return JSON.stringify({ [`not-${flavor}`]: value });
    case 'negative':
      return `{${key}: -1}`;
    case 'fraction':
      return `{${key}: 2.5}`;
    case 'string-value':
      return `{${key}: "${value}"}`;
    case 'unsafe-integer':
      return `{${key}: 9007199254740993}`;
    case 'huge-line':
      return JSON.stringify({ [flavor]: value, padding: 'x'.repeat(HUGE_LINE_PADDING) });
  }
}

const FAULT_CHECKS: Record<keyof PlannerFaults, (value: unknown) => boolean> = {
  latencyMs: (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0,
  errorRate: (value) => typeof value === 'number' && value >= 0 && value <= 1,
  status: (value) =>
    value === null || (Number.isInteger(value) && (value as number) >= 200 && (value as number) <= 599),
  dropAfterLines: (value) => value === null || (isNonNegativeInteger(value) && value > 0),
  malformedEvery: (value) => value === null || (isNonNegativeInteger(value) && value > 0),
  malformedKinds: (value) =>
    Array.isArray(value) && value.every((kind) => MALFORMED_KINDS.includes(kind as MalformedKind)),
  stall: (value) => typeof value === 'boolean',
  echoAuthorization: (value) => value === null || typeof value === 'boolean',
};

/** Applies a JSON patch of faults all or nothing; null turns an optional fault off. */
function applyFaults(faults: PlannerFaults, patch: unknown): void {
  if (!isJsonObject(patch)) throw new BadRequest('body must be a JSON object of faults');
  for (const [name, value] of Object.entries(patch)) {
    const check = FAULT_CHECKS[name as keyof PlannerFaults] as ((value: unknown) => boolean) | undefined;
    if (!check) throw new BadRequest(`unknown fault ${JSON.stringify(name)}`);
    if (!check(value)) throw new BadRequest(`invalid value for fault ${name}: ${JSON.stringify(value)}`);
  }
  for (const [name, value] of Object.entries(patch)) {
    Object.assign(faults, { [name]: value === null ? undefined : value });
  }
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  return parseJson(await readBody(req, MAX_CONTROL_BODY_BYTES));
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadRequest(`bad percent-encoding in ${JSON.stringify(segment)}`);
  }
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8081' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      'resend-interval-ms': { type: 'string', default: '30000' },
      /** Initial values, e.g. --pressure small=3 (repeatable). */
      pressure: { type: 'string', multiple: true, default: [] },
    },
  });
  const simulator = await startPlannerSimulator({
    port: Number(values.port),
    host: values.host,
    token: values.token,
    resendIntervalMs: Number(values['resend-interval-ms']),
  });
  for (const assignment of values.pressure) {
    const [flavor, value] = assignment.split('=');
    simulator.setPressure(flavor, Number(value));
  }
  console.log(simulator.url);
  exitOnSignals(simulator);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
