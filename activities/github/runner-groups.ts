import type { Octokit } from '@octokit/rest';
import { GitHubApiError } from './errors';

/** Every organisation has group 1, "Default"; repository runners can only be in it. */
export const defaultRunnerGroupId = 1;

export interface RunnerGroups {
  /** The id of the named group; the default group when no name is given. */
  idOf(name?: string): Promise<number>;
  /** Drops a cached id, after GitHub said it no longer exists. */
  forget(name: string): void;
}

/**
 * Runner group ids by name, for one organisation. A name is looked up once, page by page until it is found,
 * and its id kept for the client's life: groups are long-lived, and 200 parallel registrations then cost one
 * lookup, not 200 (concurrent callers share the pending one). A failed lookup is not kept.
 */
export function createRunnerGroups(octokit: Octokit, org: string): RunnerGroups {
  const ids = new Map<string, Promise<number>>();

  const lookUp = async (name: string): Promise<number> => {
    const pages = octokit.paginate.iterator('GET /orgs/{org}/actions/runner-groups', { org, per_page: 100 });
    for await (const { data } of pages) {
      const group = data.find((candidate) => candidate.name === name);
      if (group) return group.id;
    }
    throw new GitHubApiError(`GitHub has no runner group named "${name}" in ${org}`, { status: 404, retryable: false });
  };

  return {
    idOf(name) {
      if (!name) return Promise.resolve(defaultRunnerGroupId);
      const known = ids.get(name);
      if (known) return known;
      const pending = lookUp(name);
      ids.set(name, pending);
      pending.catch(() => {
        if (ids.get(name) === pending) ids.delete(name);
      });
      return pending;
    },
    forget(name) {
      ids.delete(name);
    },
  };
}
