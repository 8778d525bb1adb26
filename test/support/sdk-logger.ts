import { DefaultLogger, type Logger } from '@temporalio/worker';
import { testLogs } from './log-capture';

/**
 * The Temporal SDK's logger for tests: every entry from the capture's lowest level goes to the running
 * test's capture (test/support/log-capture.ts) instead of the console.
 */
export function capturingLogger(): Logger {
  const capture = testLogs();
  return new DefaultLogger(capture.lowestLevel, (entry) =>
    capture.record({
      level: entry.level,
      message: entry.message,
      meta: entry.meta,
      source: 'sdk',
      atMs: Number(entry.timestampNanos / 1_000_000n),
    }),
  );
}

/**
 * For Runtime.install: the native core's logs are forwarded to the logger (the SDK's default prints them
 * straight to the console), from WARN for core, ERROR for the rest.
 */
export const forwardedCoreLogs = { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } as const;
