import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WorkerConfig } from '../worker';
import type { CreateHops } from './create-hops';
import type { ProcessSample, WindowReport } from './process-monitor';
import type { BucketQuantiles, SdkHistogram } from './sdk-histograms';

/** A process sample, with the worker's own counts once it runs. */
export type WorkerSample = ProcessSample & {
  cachedWorkflows?: number;
  runningActivities?: number;
  heartbeatingActivities?: number;
};

/** The worker's window, with Temporal core's latency histograms over it (sdk-histograms.ts). */
export type WorkerWindowReport = WindowReport & { sdk: Record<SdkHistogram, BucketQuantiles> };

export type ParentMessage = { type: 'mark' } | { type: 'report' } | { type: 'hops' } | { type: 'stop' };
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'sample'; sample: WorkerSample }
  | { type: 'report'; report: WorkerWindowReport }
  | { type: 'hops'; hops: CreateHops[] };

export interface WorkerChild {
  pid: number;
  /** Every sample the worker sent, oldest first. */
  samples: WorkerSample[];
  /** Starts a measurement window in the worker (delay histogram, ELU and max RSS start afresh). */
  mark(): void;
  /** The worker's figures for the window since the last mark. */
  report(): Promise<WorkerWindowReport>;
  /** The hops of every create the worker made so far (see create-hops.ts). */
  hops(): Promise<CreateHops[]>;
  stop(): Promise<void>;
  /** SIGKILL, as a crash or an OOM kill: no shutdown, no last heartbeat; resolves when it has exited. */
  kill(): Promise<void>;
}

const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;
/** Variables of the parent's environment that would configure the worker behind the benchmark's back. */
const CONFIG_PREFIXES = ['OS_', 'GITHUB_', 'PLANNER_', 'TEMPORAL_', 'RUNNER_AUTOSCALER_'];

/** Forks bench/worker-process.ts with `config` as environment variables, and waits until its worker runs. */
export async function startWorkerChild(config: WorkerConfig): Promise<WorkerChild> {
  const github = githubCredentials(config.github.auth);
  const child = fork(require.resolve('./worker-process.ts'), [], {
    execArgv: ['-r', '@swc-node/register'],
    env: { ...workerEnvironment(config), ...github.variables },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const samples: WorkerSample[] = [];
  const reports: ((report: WorkerWindowReport) => void)[] = [];
  const hopAnswers: ((hops: CreateHops[]) => void)[] = [];
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      github.remove();
      resolve(`the worker process exited (${signal ?? code})`);
    }),
  );
  const ready = new Promise<void>((resolve) => {
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') resolve();
      if (message.type === 'sample') samples.push(message.sample);
      if (message.type === 'report') reports.shift()?.(message.report);
      if (message.type === 'hops') hopAnswers.shift()?.(message.hops);
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the worker process did not start in time')), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([ready, exited.then((how) => Promise.reject(new Error(how))), timeout]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const send = (message: ParentMessage) => child.send(message);
  return {
    pid: child.pid ?? 0,
    samples,
    mark: () => send({ type: 'mark' }),
    report: () =>
      new Promise<WorkerWindowReport>((resolve, reject) => {
        reports.push(resolve);
        send({ type: 'report' });
        void exited.then((how) => reject(new Error(how)));
      }),
    hops: () =>
      new Promise<CreateHops[]>((resolve, reject) => {
        hopAnswers.push(resolve);
        send({ type: 'hops' });
        void exited.then((how) => reject(new Error(how)));
      }),
    stop: () => stopChild(child, exited, send),
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<string>, send: (m: ParentMessage) => void) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** The configuration as the variables a deployment would set (see worker/config/load.ts and OS_*). */
function workerEnvironment(config: WorkerConfig): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !CONFIG_PREFIXES.some((p) => name.startsWith(p)));
  const { credentials } = config.openstack;
  if (credentials.authType !== 'password') throw new Error('the benchmark passes password credentials only');
  if (!('org' in config.github.scope)) throw new Error('the benchmark passes an organisation only');
  const variables: Record<string, string | undefined> = {
    RUNNER_AUTOSCALER_MANAGER_ID: config.managerId,
    TEMPORAL_ADDRESS: config.temporal.address,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    RUNNER_AUTOSCALER_TASK_QUEUE: config.temporal.taskQueue,
    PLANNER_URL: config.planner?.url,
    PLANNER_TOKEN: config.planner?.token,
    GITHUB_API_URL: config.github.baseUrl,
    GITHUB_ORG: config.github.scope.org,
    GITHUB_ENDPOINT_POINTS_PER_MINUTE: config.github.endpointPointsPerMinute?.toString(),
    OS_AUTH_URL: credentials.authUrl,
    OS_REGION_NAME: credentials.region,
    OS_INTERFACE: credentials.interface,
    OS_USERNAME: credentials.user.name,
    OS_USER_DOMAIN_NAME: credentials.user.domainName,
    OS_PASSWORD: credentials.password.reveal(),
    OS_PROJECT_NAME: credentials.project.name,
    OS_PROJECT_DOMAIN_NAME: credentials.project.domainName,
  };
  const defined = Object.entries(variables).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return Object.fromEntries([...inherited, ...defined]);
}

/**
 * The GitHub credentials as a deployment passes them: one token as GITHUB_TOKEN; a pool as a config file
 * (RUNNER_AUTOSCALER_CONFIG, the variables over it) listing a file per token, in a directory of its own,
 * removed when the worker has exited.
 */
function githubCredentials(auth: WorkerConfig['github']['auth']): {
  variables: Record<string, string>;
  remove: () => void;
} {
  const tokens = (Array.isArray(auth) ? auth : [auth]).map((one) => {
    if (one.kind !== 'token') throw new Error('the benchmark passes GitHub tokens only');
    return one.token;
  });
  if (!Array.isArray(auth)) return { variables: { GITHUB_TOKEN: tokens[0] }, remove: () => undefined };
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-github-'));
  const entries = tokens.map((token, index) => {
    const file = path.join(dir, `token-${index}`);
    writeFileSync(file, token, { mode: 0o600 });
    return `    - tokenFile: ${JSON.stringify(file)}`;
  });
  const configFile = path.join(dir, 'worker.yaml');
  writeFileSync(configFile, ['github:', '  credentials:', ...entries, ''].join('\n'));
  return {
    variables: { RUNNER_AUTOSCALER_CONFIG: configFile },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
