import type { Client } from '@temporalio/client';

/** What every command gets: a connected client, the workers' task queue, and where its output goes. */
export interface CommandContext {
  client: Client;
  taskQueue: string;
  print: (line: string) => void;
}

/** A command's exit code: 0 when everything it did succeeded, 1 when some part failed (and said why). */
export type ExitCode = 0 | 1;
