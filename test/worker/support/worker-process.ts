import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SimulatedCloud } from '../../../simulators/cloud';
import { eventually } from '../../support/wait';

/** The real worker process (`worker/main.ts --config`), for the tests of test/worker. */
const root = path.resolve(__dirname, '..', '..', '..');
/** A profile file that does not exist: the developer's own (~/.config/temporalio/temporal.toml) stays out. */
const noProfileFile = path.join(mkdtempSync(path.join(tmpdir(), 'no-profile-')), 'temporal.toml');

export interface WorkerProcess {
  stdout(): string;
  stderr(): string;
  /** stdout's non-empty lines: the JSON log. */
  logLines(): string[];
  exited: Promise<number | null>;
  signal(signal: NodeJS.Signals): void;
  /** Settles once the worker has logged "worker ready"; rejects if it exits first. */
  ready(): Promise<void>;
}

export function startWorkerProcess(configFile: string, secrets: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'worker/main.ts', '--config', configFile], {
    cwd: root,
    // Nothing of the test's environment (TEMPORAL_*, OS_CLOUD…) leaks into the worker's configuration.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_CONFIG_FILE: noProfileFile, ...secrets },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const logLines = () => stdout.split('\n').filter((line) => line.trim() !== '');
  const ready = async () => {
    await Promise.race([
      eventually(async () => logLines().some((line) => line.includes('"msg":"worker ready"')), Boolean, {
        what: 'the worker ready',
        timeoutMs: 90_000,
        intervalMs: 200,
      }),
      exited.then((code) => {
        throw new Error(`the worker exited (${code}):\n${stdout}\n${stderr}`);
      }),
    ]);
  };
  return { stdout: () => stdout, stderr: () => stderr, logLines, exited, signal: (s) => child.kill(s), ready };
}

/** The secrets a worker process reads from its environment to reach the simulated cloud (the planner's token is the simulator's). */
export function simulatedCloudSecrets(cloud: SimulatedCloud): Record<string, string> {
  const os = cloud.openstack.credentials;
  if (os.authType !== 'password') throw new Error('the simulator hands out password credentials');
  return {
    PLANNER_TOKEN: 'planner-sim-token',
    GITHUB_TOKEN: cloud.github.token,
    OS_AUTH_URL: os.authUrl,
    OS_REGION_NAME: os.region ?? '',
    OS_USERNAME: os.user.name ?? '',
    OS_USER_DOMAIN_NAME: os.user.domainName ?? '',
    OS_PASSWORD: os.password.reveal(),
    OS_PROJECT_NAME: os.project.name ?? '',
    OS_PROJECT_DOMAIN_NAME: os.project.domainName ?? '',
  };
}
