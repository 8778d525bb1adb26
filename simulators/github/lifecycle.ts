import { autoPickUp } from './pickup';
import { killJob } from './killed-jobs';
import { configuredRunnerLabels, snapshot, startJob } from './runners';
import type { GitHubState } from './state';
import type { GitHubSimulator, SimulatedRunner } from './types';

/**
 * What happens on the runner VMs, simulated: a runner boots, takes a job (a queued one it fits, or one
 * assigned by name), finishes it and deregisters.
 */
export type Lifecycle = Pick<
  GitHubSimulator,
  'bootRunner' | 'assignJob' | 'finishJob' | 'loseRunner' | 'killedJobs' | 'addRunner' | 'runners'
>;

export function createLifecycle(state: GitHubState): Lifecycle {
  const { org, runners, jitConfigs, jobs } = state;
  return {
    bootRunner(encodedJitConfig: string): SimulatedRunner {
      const issued = jitConfigs.lookup(encodedJitConfig);
      if (!issued) throw new Error('not a JIT config issued by this simulator');
      if (issued.used) throw new Error('this JIT config was used already');
      const runner = runners.all().find((candidate) => candidate.id === issued.runnerId);
      if (!runner) throw new Error('the registration of this JIT config was deleted');
      issued.used = true;
      runner.status = 'online';
      runner.onlineAt = Date.now();
      runner.os = 'Linux';
      autoPickUp(state);
      return snapshot(runner);
    },
    assignJob(runnerName: string): SimulatedRunner {
      const runner = runners.named(runnerName);
      if (runner.status !== 'online' || runner.busy) throw new Error(`runner "${runnerName}" is not online and idle`);
      startJob(runner, state.simulator.faults.busyLagMs);
      return snapshot(runner);
    },
    finishJob(runnerName: string): void {
      const runner = runners.named(runnerName);
      if (!runner.busy) throw new Error(`runner "${runnerName}" has no job`);
      const job = jobs.runningOn(runner.id);
      if (job) jobs.complete(job, 'success');
      runner.scope.runners.delete(runner.id);
    },
    loseRunner(runnerName: string): void {
      const runner = runners.all().find((candidate) => candidate.name === runnerName);
      if (!runner) return;
      killJob(state, runner, 'machine-lost');
      runner.status = 'offline';
    },
    killedJobs: () => state.killedJobs.map((killed) => ({ ...killed })),
    addRunner({
      name,
      labels = [],
      status = 'online',
      busy = false,
      scope,
    }: Parameters<GitHubSimulator['addRunner']>[0]): SimulatedRunner {
      const key = !scope ? `orgs/${org}` : 'org' in scope ? `orgs/${scope.org}` : `repos/${scope.owner}/${scope.repo}`;
      const target = runners.scope(key);
      if (!target) throw new Error(`the simulator does not serve ${key}`);
      // Configured by hand with config.sh, which adds its default labels.
      const runner = runners.register(target, name, labels, 1, configuredRunnerLabels);
      Object.assign(runner, { status, busy: busy && status === 'online', os: 'Linux' });
      if (status === 'online') runner.onlineAt = Date.now();
      autoPickUp(state);
      return snapshot(runner);
    },
    runners: () => runners.all().map(snapshot),
  };
}
