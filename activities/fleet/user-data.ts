/**
 * The VM's cloud-init user data: start the pre-installed runner with its just-in-time config, then
 * power off once its single job is done (the next cleanup tick deletes the VM). The JIT config is
 * base64, so it is safe inside single quotes. It lives only here and in Nova: never in a result, a log
 * or the workflow history.
 */
export interface RunnerBootOptions {
  /** Where the image has the actions runner installed, and which user runs it. */
  runnerDir: string;
  runnerUser: string;
}

export const defaultRunnerBoot: RunnerBootOptions = { runnerDir: '/home/runner/actions-runner', runnerUser: 'runner' };

export function renderUserData(encodedJitConfig: string, options: RunnerBootOptions = defaultRunnerBoot): string {
  if (!/^[A-Za-z0-9+/=]+$/.test(encodedJitConfig)) throw new Error('a JIT config must be base64');
  return [
    '#!/bin/bash',
    'set -u',
    `cd ${shellQuote(options.runnerDir)}`,
    `runuser -u ${shellQuote(options.runnerUser)} -- ./run.sh --jitconfig '${encodedJitConfig}'`,
    'shutdown -h now',
    '',
  ].join('\n');
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
