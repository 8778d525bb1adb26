import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkCanStart, devServerAddress, freePort, launchDevServer, type DevServerProcess } from '../../worker';

/**
 * The soak's own Temporal dev server, on a database file so that a restart keeps every workflow, timer
 * and history, on the same port so that the workers and clients reconnect to it.
 */
export interface SoakTemporal {
  address: string;
  /** Stops the server, waits `downMs`, starts it again; resolves once it answers. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startSoakTemporal(): Promise<SoakTemporal> {
  const dir = mkdtempSync(path.join(tmpdir(), 'soak-temporal-'));
  const settings = { port: await freePort(), uiPort: await freePort(), dbFile: path.join(dir, 'temporal.db') };
  const cli = await checkCanStart(settings);
  let server: DevServerProcess = launchDevServer(cli, settings);
  await server.ready;
  return {
    address: devServerAddress(settings.port),
    async restart(downMs) {
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = launchDevServer(cli, settings);
      await server.ready;
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
