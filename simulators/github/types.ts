/** The public face of the GitHub simulator: its options, faults, counters, runners and handle. */

export interface GitHubSimulatorOptions {
  /** 0 (default): any free port. */
  port?: number;
  host?: '127.0.0.1';
  /** The PAT accepted on every endpoint; a random ghp_ token by default. */
  token?: string;
  /** A GitHub App installation; the JWT's signature is checked when its public key is given. */
  app?: { appId: number; installationId: number; publicKeyPem?: string };
  /** The organisation served (default "acme"). */
  org?: string;
  /** A repository served as well, with its own runners. */
  repo?: { owner: string; repo: string };
  /** The organisation's runner groups; group 1, "Default", is added when missing. */
  runnerGroups?: { id: number; name: string }[];
}

export interface GitHubFaults {
  /** Added before every API answer. */
  latencyMs: number;
  /** Fraction of API requests answered 500 or 502. */
  errorRate: number;
  /** The next n API requests answer 500 or 502. */
  errorCount: number;
  /** The next `count` API requests answer 403 with this limit's headers and message. */
  rateLimit?: { kind: 'primary' | 'secondary'; count: number; retryAfterSeconds: number };
  /** The next n API requests answer 429 with Retry-After: status429RetryAfterSeconds. */
  status429Count: number;
  status429RetryAfterSeconds: number;
  /** Fraction of API requests whose connection is destroyed without an answer. */
  dropRate: number;
}

export interface GitHubSimulatorStats {
  /** API requests per "METHOD /route/{template}", faulted ones included. */
  calls: Record<string, number>;
  jitConfigsIssued: number;
  deletesRefusedBusy: number;
  installationTokensIssued: number;
  faultsInjected: { dropped: number; serverErrors: number; rateLimited: number; tooManyRequests: number };
  inFlight: number;
  maxInFlight: number;
}

export type SimulatedScope = { org: string } | { owner: string; repo: string };

export interface SimulatedRunner {
  id: number;
  name: string;
  /** "orgs/acme" or "repos/acme/widgets". */
  scope: string;
  status: 'online' | 'offline';
  busy: boolean;
  labels: string[];
  runnerGroupId: number;
}

export interface GitHubSimulator {
  /** Base URL of the API, e.g. http://127.0.0.1:41234 (the client's baseUrl). */
  url: string;
  /** The PAT. */
  token: string;
  org: string;
  /** Mutable: changes apply to the next request. */
  faults: GitHubFaults;
  resetFaults(): void;
  readonly stats: GitHubSimulatorStats;
  /** A VM ran `run.sh --jitconfig`: its runner comes online, idle. Unknown or used configs throw. */
  bootRunner(encodedJitConfig: string): SimulatedRunner;
  /** The runner took a job: busy. */
  assignJob(runnerName: string): SimulatedRunner;
  /** The job ended: a JIT runner is single-use, so it deregisters. */
  finishJob(runnerName: string): void;
  /** A registration made outside this manager (a hand-configured runner, or many for a pagination test). */
  addRunner(runner: {
    name: string;
    labels?: string[];
    status?: 'online' | 'offline';
    busy?: boolean;
    scope?: SimulatedScope;
  }): SimulatedRunner;
  runners(): SimulatedRunner[];
  close(): Promise<void>;
}
