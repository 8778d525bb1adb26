import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkCanStart, devServerAddress, launchDevServer, freePort } from '../worker';

export interface BenchDevServer {
  address: string;
  /** The server's process (the CLI runs it in-process), for its CPU time. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * A fresh Temporal dev server for one benchmark case, on free ports and a throw-away database: no case
 * inherits workflows, timers or history from another, at the price of a few seconds' start each. In
 * memory, the server writes no SQLite file: the latency benchmark's measure of what those writes cost.
 */
export async function startBenchDevServer({ inMemory = false } = {}): Promise<BenchDevServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-temporal-'));
  const dbFile = inMemory ? undefined : path.join(dir, 'dev.db');
  const settings = { port: await freePort(), uiPort: await freePort(), dbFile };
  const server = launchDevServer(await checkCanStart(settings), settings);
  try {
    await server.ready;
  } catch (err) {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    address: devServerAddress(settings.port),
    pid: server.pid,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
