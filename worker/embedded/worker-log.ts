import { DefaultLogger, type LogEntry } from '@temporalio/worker';

/** The fields of a log entry worth a terminal line; the rest (run ids, attempt numbers…) stays out. */
const SHOWN_FIELDS = ['flavor', 'workflowId', 'activityType', 'error', 'reason', 'retryInSeconds'];
const MAX_VALUE_LENGTH = 200;

/**
 * The worker's warnings and errors (its own, its workflows' and the Rust core's) as single lines for
 * the embedded default's terminal; informational logs stay out of the way of the dashboard.
 */
export function terminalLogger(print: (line: string) => void): DefaultLogger {
  return new DefaultLogger('WARN', (entry) => print(formatLogEntry(entry)));
}

export function formatLogEntry(entry: LogEntry): string {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString().slice(11, 19);
  const fields = SHOWN_FIELDS.flatMap((key) => {
    const value: unknown = entry.meta?.[key];
    if (value === undefined) return [];
    const text = value instanceof Error ? value.message : typeof value === 'string' ? value : JSON.stringify(value);
    return [`${key}=${text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}…` : text}`];
  });
  return [time, entry.level, entry.message, ...fields].join(' ');
}
