import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { FlavorHarness } from '../support/flavor-harness';

/** The client CLI as a real process, for the tests of test/client. */

const root = path.resolve(__dirname, '..', '..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** This process's environment without Temporal's and the autoscaler's variables: tests set their own. */
export function cleanEnv(): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(TEMPORAL_|RUNNER_AUTOSCALER_)/.test(name)),
  );
}

export interface RunningCli {
  /** What it printed on stdout so far. */
  stdout(): string;
  done: Promise<CliResult>;
}

/** A profile file that does not exist: the developer's own (~/.config/temporalio/temporal.toml) stays out. */
export const noProfileFile = path.join(mkdtempSync(path.join(tmpdir(), 'no-profile-')), 'temporal.toml');

/**
 * Starts `runner-autoscaler <args>`. The caller's Temporal and autoscaler variables and profile file are
 * left out, so only the flags and `env` given here configure it.
 */
export function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'client/main.ts', ...args], {
    cwd: root,
    env: { ...cleanEnv(), TEMPORAL_CONFIG_FILE: noProfileFile, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { stdout: () => stdout, done };
}

/** Runs `runner-autoscaler <args>` to its end. */
export const runCli = (args: string[], env?: Record<string, string>) => startCli(args, env).done;

/** The flags that point the CLI at the test server and the harness's task queue. */
export const harnessFlags = (harness: FlavorHarness) => [
  '--address',
  harness.env.address,
  '--task-queue',
  harness.taskQueue,
];

/** The CLI pointed at the test server and the harness's task queue. */
export function cliOf(harness: FlavorHarness) {
  return (...args: string[]) => runCli([...args, ...harnessFlags(harness)]);
}

/** A flavors file (flavor → settings) in a fresh temporary directory; answers its path. */
export function writeFlavorsFile(flavors: Record<string, object>): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'flavors-')), 'flavors.yaml');
  writeFileSync(file, stringify({ flavors }));
  return file;
}
