import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, portAnswers } from '../../worker/ports';

/** worker/main.ts as `npm start` runs it, in a child process of its own. */

const root = path.resolve(__dirname, '..', '..');

interface Run {
  output(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  running(): boolean;
}

function runMain(args: string[], env: Record<string, string>): Run {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.RUNNER_AUTOSCALER_CONFIG;
  if (env.RUNNER_AUTOSCALER_CONFIG) childEnv.RUNNER_AUTOSCALER_CONFIG = env.RUNNER_AUTOSCALER_CONFIG;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'worker/main.ts', ...args], {
    cwd: root,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    output: () => stdout,
    stderr: () => stderr,
    exited,
    kill: (signal) => child.kill(signal),
    running: () => child.exitCode === null && child.signalCode === null,
  };
}

async function waitFor(what: string, check: () => boolean, run: Run, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (!run.running() || Date.now() > deadline) {
      throw new Error(`no ${what}; stdout:\n${run.output()}\nstderr:\n${run.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('worker/main.ts', () => {
  test('the embedded default starts a dev server, makes runners, and stops everything on SIGINT', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'embedded-'));
    const port = await freePort();
    const uiPort = await freePort();
    const openstackPort = await freePort();
    const run = runMain([], {
      TEMPORAL_PORT: String(port),
      TEMPORAL_UI_PORT: String(uiPort),
      TEMPORAL_DB_FILE: path.join(dir, 'dev.db'),
      OPENSTACK_PORT: String(openstackPort),
      SCENARIO_SPEED: '10',
    });
    const devServerPid = () => Number(/dev server started here \(pid (\d+)\)/.exec(run.output())?.[1] ?? 0);
    try {
      await waitFor('runners', () => /runners=[1-9]/.test(run.output()), run, 90_000);
      const pid = devServerPid();
      expect(pid).toBeGreaterThan(0);
      expect(run.output()).toContain(`--workflow-id flavor-small --name state --address 127.0.0.1:${port}`);
      // The simulated cloud on OPENSTACK_PORT, and a clouds.yaml for the openstack CLI beside the database.
      const authUrl = `http://127.0.0.1:${openstackPort}/identity`;
      expect(run.output()).toContain(`OpenStack ${authUrl}`);
      expect(readFileSync(path.join(dir, 'clouds.yaml'), 'utf8')).toContain(`auth_url: ${authUrl}\n`);

      const signalledAt = Date.now();
      run.kill('SIGINT');
      const { code } = await run.exited;
      expect({ code, stderr: run.stderr() }).toMatchObject({ code: 0 });
      expect(Date.now() - signalledAt).toBeLessThan(20_000);
      expect(processAlive(pid)).toBe(false);
      expect(await portAnswers(port)).toBe(false);
      expect(existsSync(path.join(dir, 'scenario.svg'))).toBe(true);
    } finally {
      // A failed run must not leave its dev server behind (it runs in its own process group).
      if (run.running()) run.kill('SIGKILL');
      const pid = devServerPid();
      if (pid > 0 && processAlive(pid)) process.kill(-pid, 'SIGKILL');
    }
  }, 150_000);

  test.each([
    ['--config', (file: string) => ({ args: ['--config', file], env: {} })],
    ['RUNNER_AUTOSCALER_CONFIG', (file: string) => ({ args: [], env: { RUNNER_AUTOSCALER_CONFIG: file } })],
  ])('a bad configuration (%s) exits 1 naming the field, starting nothing', async (_how, given) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bad-config-')), 'worker.yaml');
    writeFileSync(file, 'managerId: Not_Valid\ngithub:\n  org: acme\n');
    const { args, env } = given(file);
    const run = runMain(args, env);
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.stderr()).toContain('invalid worker configuration');
    expect(run.stderr()).toContain('managerId: must be lowercase letters, digits and dashes');
    expect(run.output()).toBe('');
  });
});
