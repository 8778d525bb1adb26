import type { MalformedKind, PlannerFaults } from './faults';
import type { JobStatus, QueuedJob } from './pressure-model';

export interface StreamRecord {
  id: number;
  /** The flavor asked for (`_` for the stream of every flavor). */
  flavor: string;
  /** Date.now() when the stream's head went out, and when its connection closed (for any reason). */
  openedAt: number;
  closedAt?: number;
  linesWritten: number;
  /** Lines the keep-alive ticker wrote to this stream (the held tick included). */
  keepAlives: number;
  /** True when a tick that fired while no stream was open went to this stream: its first line came twice. */
  heldTick?: true;
}

export interface PlannerSimulatorStats {
  /** Streams (200 answers to stream requests) opened so far, and open now. */
  connectionsOpened: number;
  connectionsOpen: number;
  /** Pressure API requests (not control ones) by answered status code. */
  requests: Record<string, number>;
  linesWritten: number;
  /** Keep-alive ticks fired so far (a shared tick writes one line; a per-stream tick one per stream). */
  ticks: number;
  malformedWritten: Partial<Record<MalformedKind, number>>;
  /** The most recent streams, oldest first (bounded: see MAX_STREAM_RECORDS). */
  streams: StreamRecord[];
}

/**
 * How keep-alives go out. 'shared' is the real planner's: one process-wide ticker, each tick rewrites
 * the current value to one open stream, round robin. 'per-stream' is this simulator's old friendlier
 * mode: every tick rewrites it to every open stream.
 */
export type KeepAliveMode = 'shared' | 'per-stream';

export interface PlannerSimulatorOptions {
  /** The bearer token the API accepts (see setTokens); when absent the API answers anyone. */
  token?: string;
  /** The keep-alive ticker's period. Default 30 000, like the real planner. */
  resendIntervalMs?: number;
  /** Default 'shared', like the real planner. */
  keepAlive?: KeepAliveMode;
  /** How long open streams keep flowing after shutdown() (or SIGTERM) refused new ones. Default 30 000. */
  shutdownGraceMs?: number;
  /** The clock of the pressure model's 5-day job window; Date.now by default. */
  now?: () => number;
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Observer for benchmarks, off by default: called with Date.now() after each value line is handed to a
   * stream of a single flavor (its head, a change or a keep-alive).
   */
  onLineWritten?: (flavor: string, pressure: number, at: number) => void;
}

export interface PlannerSimulator {
  url: string;
  /** Sets the flavor's minimum_pressure (creating the flavor): with no jobs, its pressure. */
  setPressure(flavor: string, value: number): void;
  /** Creates or changes a flavor with the labels jobs are assigned by. */
  defineFlavor(flavor: string, definition: { labels?: string[]; minimumPressure?: number }): void;
  /** Deletes the flavor at the planner: new requests get 404, its open streams get `{}` lines. */
  removeFlavor(flavor: string): void;
  /** The flavor's pressure now; undefined for a flavor the planner does not have. */
  pressure(flavor: string): number | undefined;
  /** A job GitHub reported queued: assigned to a flavor now, or never. Answers the flavor, if any. */
  queueJob(job: QueuedJob): string | undefined;
  /** A job's later status: `in_progress` keeps it in the pressure, `completed` takes it out. */
  setJobStatus(id: number, status: JobStatus): void;
  /** The tokens accepted from now on. Checked only at connect: open streams keep flowing. */
  setTokens(tokens: string[]): void;
  faults: PlannerFaults;
  stats: PlannerSimulatorStats;
  /** Cuts every open stream now, without the final chunk (a proxy or a planner restart under them). */
  dropStreams(): void;
  /**
   * The planner's host is gone: nothing listens (a new connection is refused) and open streams are cut.
   * Flavors, jobs and tokens stay, as the planner's database outlives it. comeBack() listens again.
   */
  goDown(): Promise<void>;
  /** Listens again on the same port after goDown(); nothing when it is up. */
  comeBack(): Promise<void>;
  /**
   * The planner's SIGTERM: refuses new connections at once, keeps open streams flowing for the grace
   * (default the shutdownGraceMs option), then cuts each one without the final chunk. Resolves when closed.
   */
  shutdown(graceMs?: number): Promise<void>;
  /** Closes at once, streams included (tests, npm start). */
  close(): Promise<void>;
}
