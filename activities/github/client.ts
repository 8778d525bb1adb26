import { connectGitHub, type GitHubConnection, type GitHubConnectionOptions } from './connection';
import { GitHubApiError, RunnerNameTaken } from './errors';
import { headerOf, asHttpError, statusOf } from './http-error';
import type { RateLimitSnapshot } from './plugins';
import { createRunnerGroups, defaultRunnerGroupId } from './runner-groups';
import { scopedRunnerApi, type ApiRunner, type RunnerScope } from './scoped-api';

export { GitHubApiError, GitHubRateLimitedError, RunnerNameTaken } from './errors';
export { connectGitHub, type GitHubConnection, type GitHubConnectionOptions } from './connection';
export type { GitHubAuth, GitHubLog } from './octokit';
export type { RateLimitSnapshot } from './plugins';
export type { RunnerScope } from './scoped-api';

export interface GitHubRunnerClientOptions extends GitHubConnectionOptions {
  scope: RunnerScope;
}

export interface GitHubRunner {
  id: number;
  name: string;
  status: 'online' | 'offline';
  busy: boolean;
  labels: string[];
}

export interface GitHubRunnerClient {
  /**
   * Registers a just-in-time runner. `runnerGroup` is a group name (organisations only; repository runners
   * are always in the default group). Rejects with RunnerNameTaken when the name is registered already.
   */
  generateJitConfig(request: {
    name: string;
    labels: string[];
    runnerGroup?: string;
    workFolder?: string;
  }): Promise<{ runnerId: number; encodedJitConfig: string }>;
  /** Every runner of the scope whose name passes `filter` (all pages read). */
  listRunners(filter?: (name: string) => boolean): Promise<GitHubRunner[]>;
  /** The runner of exactly this name, asked for by name (one small call, not the whole list). */
  findRunner(name: string): Promise<GitHubRunner | undefined>;
  /** 'gone' when GitHub has no such runner, 'busy' when it refused because the runner is running a job. */
  deleteRunner(id: number): Promise<'deleted' | 'gone' | 'busy'>;
  /** The x-ratelimit-* headers of the last answer that had them. */
  rateLimit(): RateLimitSnapshot;
}

/** Its own connection from the options, or one shared with the job checker. */
export function createGitHubRunnerClient(
  options: GitHubRunnerClientOptions | { connection: GitHubConnection; scope: RunnerScope },
): GitHubRunnerClient {
  validateScope(options.scope);
  const { octokit, rateLimit, fail } = 'connection' in options ? options.connection : connectGitHub(options);
  const api = scopedRunnerApi(octokit, options.scope);
  const groups = 'org' in options.scope ? createRunnerGroups(octokit, options.scope.org) : undefined;

  return {
    async generateJitConfig({ name, labels, runnerGroup, workFolder }) {
      const operation = `generate a JIT config for runner "${name}"`;
      const runnerGroupId = groups ? await groups.idOf(runnerGroup).catch(fail(operation)) : defaultRunnerGroupId;
      const answer = await api
        .generateJitConfig({ name, labels, runner_group_id: runnerGroupId, work_folder: workFolder })
        .catch((err: unknown) => {
          if (statusOf(err) === 409) throw new RunnerNameTaken(name, requestIdOf(err));
          // The group may have been deleted (and recreated under a new id): look it up afresh next time.
          if (statusOf(err) === 404 && runnerGroup) groups?.forget(runnerGroup);
          return fail(operation)(err);
        });
      if (typeof answer.runner?.id !== 'number' || typeof answer.encoded_jit_config !== 'string') {
        throw new GitHubApiError(`GitHub ${operation}: the answer has no runner id or JIT config`, {
          retryable: false,
        });
      }
      return { runnerId: answer.runner.id, encodedJitConfig: answer.encoded_jit_config };
    },

    async listRunners(filter = () => true) {
      const runners = await api.listRunners().catch(fail('list runners'));
      return runners.filter((runner) => filter(runner.name)).map(toRunner);
    },

    async findRunner(name) {
      const runners = await api.listRunners(name).catch(fail(`find runner "${name}"`));
      const found = runners.find((runner) => runner.name === name);
      return found && toRunner(found);
    },

    async deleteRunner(id) {
      try {
        await api.deleteRunner(id);
        return 'deleted';
      } catch (err) {
        if (statusOf(err) === 404) return 'gone';
        if (statusOf(err) === 422) return 'busy';
        return fail(`delete runner ${id}`)(err);
      }
    },

    rateLimit: () => ({ ...rateLimit }),
  };
}

function toRunner(runner: ApiRunner): GitHubRunner {
  return {
    id: runner.id,
    name: runner.name,
    status: runner.status === 'online' ? 'online' : 'offline',
    busy: runner.busy,
    labels: runner.labels.map((label) => label.name),
  };
}

function requestIdOf(err: unknown): string | undefined {
  const http = asHttpError(err);
  return http && headerOf(http, 'x-github-request-id');
}

/** A scope mistake fails at once, naming the field, never its value. */
function validateScope(scope: RunnerScope): void {
  if ('org' in scope ? !scope.org : !scope.owner || !scope.repo) {
    throw new Error('GitHub runner client: scope needs an org, or an owner and a repo');
  }
}
