import type { GitHubSimulatorOptions, SimulatedRunner } from './types';

/** The runner registrations: the organisation's and the repository's, with their groups and labels. */

/**
 * The labels `config.sh` gives every runner it configures: read-only, "applied automatically when the
 * runner is configured" (the REST API's runner-label schema). A just-in-time registration gets none of
 * them: GitHub gives it exactly the labels its request names, all custom.
 */
export const configuredRunnerLabels = ['self-hosted', 'Linux', 'X64'];

export interface RunnerLabel {
  name: string;
  type: 'read-only' | 'custom';
}

export interface Runner {
  id: number;
  name: string;
  scope: Scope;
  groupId: number;
  labels: RunnerLabel[];
  status: 'online' | 'offline';
  /** The truth: the runner runs a job. What the API shows may lag behind (see apiBusy). */
  busy: boolean;
  os: string;
  /** Date.now() when it came online, and when its job began with the flag's lag then in force. */
  onlineAt?: number;
  job?: { startedAt: number; lagMs: number };
}

/**
 * The `busy` flag as GitHub's API shows it. It lags: peers measured it reading false 25–60 s after a job
 * began, once 12 min 15 s in (github-aws-runners/terraform-aws-github-runner#5085 and PR #5228, whose
 * 14 killed jobs were each removed on a `busy: false` reading), so a runner whose job began less than
 * the lag ago reads idle in lists, and a DELETE of it succeeds (PR #5228: "the DELETE call also
 * succeeds in these cases"). No lag (faults.busyLagMs 0, the default) shows the truth at once.
 */
export const apiBusy = (runner: Runner, now = Date.now()): boolean =>
  runner.busy && (runner.job === undefined || now - runner.job.startedAt >= runner.job.lagMs);

/** The runner takes a job now; `lagMs` is how long the API will go on showing it idle. */
export function startJob(runner: Runner, lagMs: number): void {
  runner.busy = true;
  runner.job = { startedAt: Date.now(), lagMs };
}

export interface Scope {
  /** "orgs/acme" or "repos/acme/widgets". */
  key: string;
  groups: { id: number; name: string }[];
  runners: Map<number, Runner>;
}

/** A copy of a runner as the simulator's API shows it. */
export const snapshot = (runner: Runner): SimulatedRunner => ({
  id: runner.id,
  name: runner.name,
  scope: runner.scope.key,
  status: runner.status,
  busy: runner.busy,
  labels: runner.labels.map((label) => label.name),
  runnerGroupId: runner.groupId,
});

export class RunnerStore {
  readonly #scopes = new Map<string, Scope>();
  #nextRunnerId = 1;
  readonly #labelIds = new Map<string, number>();

  constructor(org: string, options: Pick<GitHubSimulatorOptions, 'runnerGroups' | 'repo'>) {
    const orgGroups = [...(options.runnerGroups ?? [])];
    if (!orgGroups.some((group) => group.id === 1)) orgGroups.unshift({ id: 1, name: 'Default' });
    this.#addScope(`orgs/${org}`, orgGroups);
    // A repository's runners have no groups but the default one.
    const { repo } = options;
    if (repo)
      this.#addScope(
        `repos/${repo.owner}/${repo.repo}`,
        orgGroups.filter((group) => group.id === 1),
      );
  }

  #addScope(key: string, groups: { id: number; name: string }[]): void {
    this.#scopes.set(key.toLowerCase(), { key, groups, runners: new Map() });
  }

  /** "orgs/acme" or "repos/acme/widgets", in any case; undefined for one not served. */
  scope(key: string): Scope | undefined {
    return this.#scopes.get(key.toLowerCase());
  }

  all(): Runner[] {
    return [...this.#scopes.values()].flatMap((scope) => [...scope.runners.values()]);
  }

  /** The one runner of this name in any scope; throws for none or several. */
  named(name: string): Runner {
    const matches = this.all().filter((runner) => runner.name === name);
    if (matches.length !== 1) throw new Error(`${matches.length} runners are named "${name}"`);
    return matches[0];
  }

  /**
   * A new registration, offline until a VM boots with its JIT config: `labels` as named, custom, after
   * the `readOnly` ones (none for a JIT registration).
   */
  register(scope: Scope, name: string, labels: string[], groupId: number, readOnly: string[] = []): Runner {
    const runner: Runner = {
      id: this.#nextRunnerId++,
      name,
      scope,
      groupId,
      labels: [
        ...readOnly.map((label) => ({ name: label, type: 'read-only' as const })),
        ...labels
          .filter((label) => !readOnly.includes(label))
          .map((label) => ({ name: label, type: 'custom' as const })),
      ],
      status: 'offline',
      busy: false,
      os: 'unknown',
    };
    scope.runners.set(runner.id, runner);
    return runner;
  }

  /** A runner in the REST API's format; label ids are numbered as labels are first seen. */
  json(runner: Runner) {
    return {
      id: runner.id,
      name: runner.name,
      os: runner.os,
      status: runner.status,
      busy: apiBusy(runner),
      ephemeral: true,
      labels: runner.labels.map(({ name, type }) => {
        if (!this.#labelIds.has(name)) this.#labelIds.set(name, this.#labelIds.size + 1);
        return { id: this.#labelIds.get(name), name, type };
      }),
    };
  }
}
