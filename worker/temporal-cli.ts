import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the Temporal CLI (and so the dev server) is: TEMPORAL_CLI_PATH when set, else the binary that
 * scripts/temporal-server.sh installs under .temporal/, else undefined, in which case the SDK falls back
 * to its own download (which needs the open internet).
 */
export function temporalCliPath(): string | undefined {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) return fromEnv;
  const installed = path.resolve(__dirname, '..', '.temporal', 'venv', 'bin', 'temporal');
  return existsSync(installed) ? installed : undefined;
}

/** The SDK's dev-server executable option for the binary above. */
export function devServerExecutable(): { type: 'existing-path'; path: string } | { type: 'cached-download' } {
  const cli = temporalCliPath();
  return cli ? { type: 'existing-path', path: cli } : { type: 'cached-download' };
}
