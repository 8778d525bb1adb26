import { LogTimestamp, type LogLevel, type LogMetadata, type Logger } from '@temporalio/worker';
import { flavorWorkflowId, flavorOfWorkflowId } from '../../contracts/flavor-workflow';

const levels: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
const reserved = new Set(['time', 'level', 'msg']);

export interface JsonLoggerOptions {
  /** Lines below this level are dropped (INFO by default). */
  level?: LogLevel;
  /** Receives each line, without its newline (stdout by default). */
  write?: (line: string) => void;
  /** Applied to the message and to every string in the metadata (activities/redact.ts's redactor). */
  redact?: (text: string) => string;
}

/**
 * The Runtime's logger for a deployed worker: one JSON object per line, `time`, `level` and `msg` first,
 * then the metadata. The SDK gives workflow and activity lines their workflow's id in the metadata;
 * `flavor` is derived from it (`flavor-<name>`), and `workflowId` from `flavor` the other way round, so
 * every line about a flavor carries both.
 */
export class JsonLogger implements Logger {
  private readonly threshold: number;
  private readonly write: (line: string) => void;
  private readonly redact: (text: string) => string;

  constructor(options: JsonLoggerOptions = {}) {
    this.threshold = levels.indexOf(options.level ?? 'INFO');
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.redact = options.redact ?? ((text) => text);
  }

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    if (levels.indexOf(level) < this.threshold) return;
    const { [LogTimestamp]: nanos, ...fields } = meta;
    const time = new Date(typeof nanos === 'bigint' ? Number(nanos / 1_000_000n) : Date.now()).toISOString();
    const entry: Record<string, unknown> = { time, level, msg: message };
    for (const [key, value] of Object.entries(withFlavor(fields))) {
      entry[reserved.has(key) ? `meta.${key}` : key] = value;
    }
    this.write(this.serialize(entry));
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }

  /** Errors become their name, message and failure type; bigints strings. A line is written whatever the metadata. */
  private serialize(entry: Record<string, unknown>): string {
    const replacer = (_key: string, value: unknown): unknown => {
      if (typeof value === 'string') return this.redact(value);
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Error) return describeError(value);
      return value;
    };
    try {
      return JSON.stringify(entry, replacer);
    } catch (err) {
      const { time, level, msg } = entry;
      return JSON.stringify({ time, level, msg, logError: `metadata not serializable: ${String(err)}` }, replacer);
    }
  }
}

function withFlavor(fields: Record<string, unknown>): Record<string, unknown> {
  const { flavor, workflowId } = fields;
  if (flavor === undefined && typeof workflowId === 'string') {
    const derived = flavorOfWorkflowId(workflowId);
    return derived === undefined ? fields : { flavor: derived, ...fields };
  }
  if (typeof flavor === 'string' && workflowId === undefined)
    return { flavor, workflowId: flavorWorkflowId(flavor), ...fields };
  return fields;
}

function describeError(err: Error): Record<string, unknown> {
  const { type, cause } = err as Error & { type?: unknown; cause?: unknown };
  return {
    name: err.name,
    message: err.message,
    ...(typeof type === 'string' && { type }),
    ...(cause instanceof Error && { cause: describeError(cause) }),
  };
}
