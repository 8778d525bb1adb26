import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { SimulatedCloud } from '../simulators/cloud';

/**
 * The real worker as its own process (`node -r @swc-node/register worker/main.ts --config <file>`),
 * pointed at simulators that run in the calling process (the chaos tests, the soak). Secrets reach it
 * by environment, as in production, and its log lines can be watched as they come.
 */
export interface WorkerProcess {
  pid: number;
  /** Settles when the process exits, however it does. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether it is still running. */
  alive(): boolean;
  kill(signal: NodeJS.Signals): void;
  /** Its output so far (the tail), for failure messages. */
  output(): string;
}

const ROOT = path.resolve(__dirname, '..');
const READY_TIMEOUT_MS = 120_000;
const OUTPUT_TAIL = 8192;

/** Variables the worker reads that must come from this test only, never from the caller's shell. */
const OWN_PREFIXES = ['TEMPORAL_', 'OS_', 'GITHUB_', 'PLANNER_', 'RUNNER_AUTOSCALER_'];

export interface WorkerProcessOptions {
  managerId?: string;
  /** Called with every line the worker writes, on stdout (its JSON log) or stderr. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export async function startWorkerProcess(
  cloud: SimulatedCloud,
  temporal: { address: string; taskQueue: string },
  { managerId = 'runner-autoscaler', onLine }: WorkerProcessOptions = {},
): Promise<WorkerProcess> {
  const config = cloud.workerConfig({ ...temporal, namespace: 'default' }, managerId);
  const credentials = cloud.openstack.credentials;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'chaos-worker-')), 'worker.yaml');
  // JSON is YAML; no secret goes into the file.
  const fileConfig = {
    managerId,
    temporal: { address: temporal.address, namespace: 'default', taskQueue: temporal.taskQueue },
    planner: { url: config.planner?.url },
    github: { apiUrl: config.github.baseUrl, org: cloud.github.org },
  };
  writeFileSync(file, JSON.stringify(fileConfig, null, 2));
  if (credentials.authType !== 'password') throw new Error('expected password credentials');
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !OWN_PREFIXES.some((prefix) => name.startsWith(prefix))),
  );
  Object.assign(env, {
    PLANNER_TOKEN: config.planner?.token,
    GITHUB_TOKEN: cloud.github.token,
    OS_AUTH_URL: credentials.authUrl,
    OS_AUTH_TYPE: 'password',
    OS_USERNAME: credentials.user.name,
    OS_USER_DOMAIN_NAME: credentials.user.domainName,
    OS_PASSWORD: credentials.password.reveal(),
    OS_PROJECT_NAME: credentials.project.name,
    OS_PROJECT_DOMAIN_NAME: credentials.project.domainName,
    OS_REGION_NAME: credentials.region,
    OS_INTERFACE: credentials.interface,
  });

  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'worker/main.ts', '--config', file], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  if (onLine) {
    for (const stream of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[stream], crlfDelay: Infinity }).on('line', (line) => onLine(line, stream));
    }
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const handle: WorkerProcess = {
    pid: child.pid ?? 0,
    exited,
    alive: () => child.exitCode === null && child.signalCode === null,
    kill: (signal) => void child.kill(signal),
    output: () => output,
  };

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready in time:\n${output}`)), READY_TIMEOUT_MS);
    child.stdout.on('data', () => {
      if (output.includes('"msg":"worker ready"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${signal ?? code}) before it was ready:\n${output}`));
    });
  });
  try {
    await ready;
  } catch (err) {
    handle.kill('SIGKILL');
    throw err;
  }
  return handle;
}

/** SIGTERM and wait (the worker stops gracefully); SIGKILL if it takes too long. */
export async function stopWorkerProcess(worker: WorkerProcess | undefined): Promise<void> {
  if (!worker?.alive()) return;
  worker.kill('SIGTERM');
  const timer = setTimeout(() => worker.kill('SIGKILL'), 25_000);
  await worker.exited;
  clearTimeout(timer);
}
