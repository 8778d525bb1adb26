import { Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { temporalCliPath } from './temporal-cli';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;
const STDERR_TAIL_BYTES = 4096;

export interface DevServerSettings {
  port: number;
  uiPort: number;
  /** The SQLite file; absent, the database lives in memory and nothing outlives a stop (benchmarks). */
  dbFile?: string;
}

/** The dev server this process started, from spawn on: stoppable even before it answers. */
export interface DevServerProcess {
  pid: number;
  /** Settles when the server answers; rejects with its stderr when it exits first or never answers. */
  ready: Promise<void>;
  /** Called once when the server exits other than through stop(). */
  onUnexpectedExit(callback: (description: string) => void): void;
  /** SIGTERM to its process group, SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** SIGKILL at once: the last resort when a graceful stop hangs. */
  kill(): void;
}

export function devServerAddress(port: number): string {
  return `${HOST}:${port}`;
}

/** True when a Temporal frontend answers on the address within the timeout. */
export async function temporalAnswers(address: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

/** Fails with an error naming what to change when the dev server could not start: CLI missing, a port taken. */
export async function checkCanStart(settings: DevServerSettings): Promise<string> {
  const cliPath = temporalCliPath();
  if (!cliPath || !existsSync(cliPath)) {
    throw new Error(
      `the Temporal CLI is not installed${cliPath ? ` at ${cliPath}` : ''}: run \`bash scripts/temporal-server.sh\` ` +
        '(npm start does) or set TEMPORAL_CLI_PATH to a temporal binary',
    );
  }
  if (await portTaken(settings.port)) {
    throw new Error(
      `port ${settings.port} is taken by something that is not a Temporal server: stop it or set TEMPORAL_PORT`,
    );
  }
  if (await portTaken(settings.uiPort)) {
    throw new Error(`the Web UI port ${settings.uiPort} is taken: stop what uses it or set TEMPORAL_UI_PORT`);
  }
  return cliPath;
}

/**
 * `temporal server start-dev` on a persistent database. It runs in its own process group, so a Ctrl-C
 * in the terminal reaches only this process, which stops the worker first and the server last; the
 * price is that a SIGKILL of this process leaves the server running (the next `npm start` reuses it).
 */
export function launchDevServer(cliPath: string, settings: DevServerSettings): DevServerProcess {
  if (settings.dbFile) mkdirSync(path.dirname(settings.dbFile), { recursive: true });
  const args = ['server', 'start-dev', ...(settings.dbFile ? ['--db-filename', settings.dbFile] : []), '--ip', HOST];
  args.push('--port', String(settings.port), '--ui-port', String(settings.uiPort), '--log-level', 'error');
  const child = spawn(cliPath, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  });
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(`could not run ${cliPath}: ${err.message}`));
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
  });
  let stopping = false;
  const describe = (how: string) => `Temporal dev server ${how}${stderr.trim() ? `:\n${stderr.trim()}` : ''}`;

  const ready = (async () => {
    let exit: string | undefined;
    void exited.then((how) => (exit = how));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await temporalAnswers(devServerAddress(settings.port)))) {
      if (exit !== undefined) throw new Error(describe(exit));
      if (Date.now() > deadline) throw new Error(describe(`did not answer within ${READY_TIMEOUT_MS / 1000} s`));
      await sleep(250);
    }
  })();

  return {
    pid: child.pid ?? 0,
    ready,
    onUnexpectedExit(callback) {
      void exited.then((how) => stopping || callback(describe(how)));
    },
    async stop() {
      stopping = true;
      if (!signalGroup(child, 'SIGTERM')) return;
      const stopped = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS, false, { ref: false })]);
      if (!stopped) {
        signalGroup(child, 'SIGKILL');
        await exited;
      }
    },
    kill() {
      stopping = true;
      signalGroup(child, 'SIGKILL');
    },
  };
}

/** False when the process is already gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false;
  }
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}
