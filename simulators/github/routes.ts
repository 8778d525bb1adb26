import { isJsonObject, type Reply } from '../http';
import { installationTokenRoute } from './auth';
import { jobRoute } from './job-route';
import { paginate } from './pagination';
import { killJob } from './killed-jobs';
import { apiBusy, type Runner, type Scope } from './runners';
import type { GitHubState } from './state';
import { failure, Refusal, type Context, type Route } from './wire';

/**
 * The REST API served: self-hosted runners of an organisation or a repository (JIT configs, list, get,
 * delete), the organisation's runner groups, workflow jobs, and an App installation's access tokens.
 */

interface ScopedContext extends Context {
  scope: Scope;
}

const invalid = (field: string) => new Refusal(failure(422, `Invalid request.\n\n"${field}" wasn't supplied.`));

export function routes(state: GitHubState): Route[] {
  const { runners, stats } = state;

  const generateJitConfig = ({ scope, body }: ScopedContext): Reply => {
    if (!isJsonObject(body)) throw invalid('name');
    const { name, runner_group_id: groupId, labels, work_folder: workFolder } = body;
    if (typeof name !== 'string' || name === '') throw invalid('name');
    if (typeof groupId !== 'number' || !Number.isInteger(groupId)) throw invalid('runner_group_id');
    const labelsValid = Array.isArray(labels) && labels.every((label) => typeof label === 'string' && label !== '');
    if (!labelsValid || labels.length < 1 || labels.length > 100) throw invalid('labels');
    if (workFolder !== undefined && typeof workFolder !== 'string') throw invalid('work_folder');
    if (!scope.groups.some((group) => group.id === groupId)) throw new Refusal(failure(404, 'Not Found'));
    if ([...scope.runners.values()].some((runner) => runner.name === name)) {
      throw new Refusal(failure(409, `Already exists - A runner with the name ${name} already exists.`));
    }
    const runner = runners.register(scope, name, labels as string[], groupId);
    stats.jitConfigsIssued += 1;
    return {
      status: 201,
      body: {
        runner: runners.json(runner),
        encoded_jit_config: state.jitConfigs.encode(runner, workFolder ?? '_work', state.baseUrl),
      },
    };
  };

  const listRunners = ({ scope, url }: ScopedContext): Reply => {
    const name = url.searchParams.get('name');
    const found = [...scope.runners.values()].filter((runner) => name === null || runner.name === name);
    const { page, headers } = paginate(found, url, state.baseUrl);
    const body = { total_count: found.length, runners: page.map((runner) => runners.json(runner)) };
    return { status: 200, headers, body };
  };

  const runnerOf = ({ scope, params }: ScopedContext): Runner => {
    const runner = scope.runners.get(Number(params.runnerId));
    if (!runner) throw new Refusal(failure(404, 'Not Found'));
    return runner;
  };

  const deleteRunner = (context: ScopedContext): Reply => {
    const runner = runnerOf(context);
    if (apiBusy(runner)) {
      stats.deletesRefusedBusy += 1;
      throw new Refusal(failure(422, `Bad request - Runner ${runner.name} is still running a job`));
    }
    // GitHub's own view lags: it accepts the delete of a runner whose job began moments ago, which kills it.
    killJob(state, runner, 'registration-deleted');
    context.scope.runners.delete(runner.id);
    return { status: 204 };
  };

  const listGroups = ({ scope, url }: ScopedContext): Reply => {
    const { page, headers } = paginate(scope.groups, url, state.baseUrl);
    const groups = page.map((group) => ({
      id: group.id,
      name: group.name,
      visibility: 'all',
      default: group.id === 1,
      runners_url: `${state.baseUrl}/${scope.key}/actions/runner-groups/${group.id}/runners`,
      inherited: false,
      allows_public_repositories: false,
      restricted_to_workflows: false,
      selected_workflows: [],
      workflow_restrictions_read_only: false,
    }));
    return { status: 200, headers, body: { total_count: scope.groups.length, runner_groups: groups } };
  };

  /** An organisation or repository the simulator does not serve is a 404, as on GitHub. */
  const withScope =
    (handle: (context: ScopedContext) => Reply) =>
    (context: Context): Reply => {
      const { org: orgName, owner, repo } = context.params;
      const scope = runners.scope(orgName !== undefined ? `orgs/${orgName}` : `repos/${owner}/${repo}`);
      if (!scope) throw new Refusal(failure(404, 'Not Found'));
      return handle({ ...context, scope });
    };
  const scopeRoot = '^(?:/orgs/(?<org>[^/]+)|/repos/(?<owner>[^/]+)/(?<repo>[^/]+))';
  const scoped = (
    method: string,
    path: string,
    template: string,
    handle: (context: ScopedContext) => Reply,
  ): Route => ({
    method,
    pattern: new RegExp(`${scopeRoot}${path}$`),
    template: (params) => `${params.org !== undefined ? '/orgs/{org}' : '/repos/{owner}/{repo}'}${template}`,
    auth: 'token',
    handle: withScope(handle),
  });
  return [
    scoped('POST', '/actions/runners/generate-jitconfig', '/actions/runners/generate-jitconfig', generateJitConfig),
    scoped('GET', '/actions/runners', '/actions/runners', listRunners),
    scoped('GET', '/actions/runners/(?<runnerId>\\d+)', '/actions/runners/{runner_id}', (context) => ({
      status: 200,
      body: runners.json(runnerOf(context)),
    })),
    scoped('DELETE', '/actions/runners/(?<runnerId>\\d+)', '/actions/runners/{runner_id}', deleteRunner),
    {
      method: 'GET',
      pattern: /^\/orgs\/(?<org>[^/]+)\/actions\/runner-groups$/,
      template: () => '/orgs/{org}/actions/runner-groups',
      auth: 'token',
      handle: withScope(listGroups),
    },
    jobRoute(state),
    installationTokenRoute(state.auth, stats),
  ];
}
