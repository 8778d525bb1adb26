import type { Octokit } from '@octokit/rest';

export type RunnerScope = { org: string } | { owner: string; repo: string };

export interface JitConfigBody {
  name: string;
  labels: string[];
  runner_group_id: number;
  work_folder?: string;
}

/** A runner as the REST API answers it, reduced to what the client reads. */
export interface ApiRunner {
  id: number;
  name: string;
  status: string;
  busy: boolean;
  labels: { name: string }[];
}

/**
 * The runner endpoints of one organisation or one repository. Both take the same bodies and give the same
 * answers; only the path differs, so the rest of the client never looks at the scope.
 */
export interface ScopedRunnerApi {
  generateJitConfig(body: JitConfigBody): Promise<{ runner?: { id?: number }; encoded_jit_config?: string }>;
  /** Every runner, 100 per page; with a name, only the runners of exactly that name. */
  listRunners(name?: string): Promise<ApiRunner[]>;
  deleteRunner(runnerId: number): Promise<void>;
}

export function scopedRunnerApi(octokit: Octokit, scope: RunnerScope): ScopedRunnerApi {
  const { actions } = octokit.rest;
  if ('org' in scope) {
    const { org } = scope;
    return {
      generateJitConfig: async (body) => (await actions.generateRunnerJitconfigForOrg({ org, ...body })).data,
      listRunners: (name) => octokit.paginate(actions.listSelfHostedRunnersForOrg, { org, name, per_page: 100 }),
      deleteRunner: async (runner_id) => {
        await actions.deleteSelfHostedRunnerFromOrg({ org, runner_id });
      },
    };
  }
  const { owner, repo } = scope;
  return {
    generateJitConfig: async (body) => (await actions.generateRunnerJitconfigForRepo({ owner, repo, ...body })).data,
    listRunners: (name) => octokit.paginate(actions.listSelfHostedRunnersForRepo, { owner, repo, name, per_page: 100 }),
    deleteRunner: async (runner_id) => {
      await actions.deleteSelfHostedRunnerFromRepo({ owner, repo, runner_id });
    },
  };
}
