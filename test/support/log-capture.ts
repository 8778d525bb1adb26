/**
 * What the suite's tests log, kept per test and printed only when the test fails (a quiet green run, a
 * failing test that shows what explains it). The test environment (test/setup/log-environment.ts) owns one
 * capture per test file and hands it to the file's code through a global; `testLogs()` finds it.
 *
 * Logs are kept from `recordLevel` up (TEST_LOG_LEVEL, default WARN: the warnings of the workflows, the
 * activities' failures, the native core's complaints) and printed as they come from `liveLevel` up
 * (TEST_LOG_LIVE, default ERROR). Console output is always kept: a test or a client printing something is
 * rare and meant to be read.
 */
export type Level = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

const rank: Record<Level, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

export interface CapturedEntry {
  level: Level;
  message: string;
  meta?: Record<string, unknown>;
  source: 'sdk' | 'console';
  atMs: number;
}

/** What identifies a workflow's entries; the SDK puts it on every workflow and activity log. */
const workflowOf = (entry: CapturedEntry) =>
  typeof entry.meta?.workflowId === 'string' ? entry.meta.workflowId : undefined;

export function levelFrom(value: string | undefined, fallback: Level): Level {
  const upper = value?.toUpperCase();
  if (upper === undefined || upper === '') return fallback;
  if (!(upper in rank)) throw new Error(`unknown log level "${value}": one of ${Object.keys(rank).join(', ')}`);
  return upper as Level;
}

export class LogCapture {
  private entries: CapturedEntry[] = [];
  /** The test during which each workflow first logged: its entries belong to that test only. */
  private readonly owners = new Map<string, string>();
  private current = 'before the first test';

  constructor(
    private readonly print: (text: string) => void,
    readonly recordLevel: Level = levelFrom(process.env.TEST_LOG_LEVEL, 'WARN'),
    readonly liveLevel: Level = levelFrom(process.env.TEST_LOG_LIVE, 'ERROR'),
  ) {}

  /** The lowest level an SDK entry is kept at: the runtime logger's own level. */
  get lowestLevel(): Level {
    return rank[this.recordLevel] <= rank[this.liveLevel] ? this.recordLevel : this.liveLevel;
  }

  record(entry: CapturedEntry): void {
    if (entry.source === 'sdk' && rank[entry.level] < rank[this.lowestLevel]) return;
    if (rank[entry.level] >= rank[this.liveLevel]) this.print(`${formatEntry(entry)}\n`);
    const workflow = workflowOf(entry);
    if (workflow !== undefined && !this.owners.has(workflow)) this.owners.set(workflow, this.current);
    this.entries.push(entry);
  }

  /** A test starts: what was logged before it is dropped. */
  begin(test: string): void {
    this.current = test;
    this.entries = [];
  }

  /** What the current test logged: everything but the entries of workflows an earlier test started. */
  take(): CapturedEntry[] {
    const own = this.entries.filter((entry) => {
      const workflow = workflowOf(entry);
      return workflow === undefined || this.owners.get(workflow) === this.current;
    });
    this.entries = [];
    return own;
  }

  /** The report of a failed test (or hook), or nothing when it logged nothing. */
  report(what: string): string | undefined {
    const entries = this.take();
    if (entries.length === 0) return undefined;
    // Forwarded entries can arrive out of order (the SDK sorts them in a short buffer only).
    const lines = entries.sort((a, b) => a.atMs - b.atMs).map(formatEntry);
    return `\n── what "${what}" logged (${entries.length}) ──\n${lines.join('\n')}\n── end of "${what}" ──\n`;
  }
}

/** Metadata every entry of a worker carries and nobody reads when a test fails. */
const routine = new Set([
  'namespace',
  'taskQueue',
  'sdkComponent',
  'workflowType',
  'runId',
  'workflowRunId',
  'taskToken',
  'isLocal',
]);

export function formatEntry(entry: CapturedEntry): string {
  const time = new Date(entry.atMs).toISOString().slice(11, 23);
  const meta = Object.entries(entry.meta ?? {}).filter(([key, value]) => !routine.has(key) && value !== undefined);
  const details = meta.length > 0 ? ` ${meta.map(([key, value]) => `${key}=${describe(value)}`).join(' ')}` : '';
  return `${time} ${entry.level.padEnd(5)} ${entry.source === 'console' ? 'console: ' : ''}${entry.message}${details}`;
}

function describe(value: unknown): string {
  // Errors come from the test file's realm: no instanceof.
  if (isErrorLike(value)) {
    const type = 'type' in value && typeof value.type === 'string' ? ` (${value.type})` : '';
    return JSON.stringify(`${value.name}${type}: ${value.message}`);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function isErrorLike(value: unknown): value is { name: string; message: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { name?: unknown }).name === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

const GLOBAL_KEY = '__testLogCapture';

/** The environment's side: hands its capture to the test file's code. */
export function shareCapture(global: Record<string, unknown>, capture: LogCapture): void {
  global[GLOBAL_KEY] = capture;
}

/**
 * The capture of the running test file. Outside the suite's environment (a script such as
 * test/histories/record.ts) every entry from the live level up goes to stderr.
 */
export function testLogs(): LogCapture {
  const shared = (globalThis as Record<string, unknown>)[GLOBAL_KEY];
  // The environment's object comes from another realm: no instanceof.
  if (typeof shared === 'object' && shared !== null) return shared as LogCapture;
  const standalone = new LogCapture((text) => process.stderr.write(text));
  shareCapture(globalThis, standalone);
  return standalone;
}
