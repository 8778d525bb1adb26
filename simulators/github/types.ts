import type { SecondaryLimits } from './secondary-limits';

/** The public face of the GitHub simulator: its options, faults, counters, runners, jobs and handle. */

export interface GitHubSimulatorOptions {
  /** 0 (default): any free port. */
  port?: number;
  host?: '127.0.0.1';
  /** The PAT accepted on every endpoint; a random ghp_ token by default. */
  token?: string;
  /**
   * More PATs accepted, each a credential of its own (another account's): its own primary limit (5000
   * an hour unless `hourlyLimit` says less) and its own secondary limits.
   */
  tokens?: { token: string; hourlyLimit?: number }[];
  /** The primary limit per hour of the PAT, the installation and the App (5000 by default). */
  hourlyLimit?: number;
  /** A GitHub App installation; the JWT's signature is checked when its public key is given. */
  app?: { appId: number; installationId: number; publicKeyPem?: string };
  /** The organisation served (default "acme"). */
  org?: string;
  /** A repository served as well, with its own runners. */
  repo?: { owner: string; repo: string };
  /** The organisation's runner groups; group 1, "Default", is added when missing. */
  runnerGroups?: { id: number; name: string }[];
  /**
   * Serves the whole simulator (API and /control/) under this path, as GitHub Enterprise Server serves its
   * API under `/api/v3`; `url` then ends with it.
   */
  pathPrefix?: string;
  /**
   * 'auto' (default): an idle online runner takes a queued job it fits as soon as both exist, as GitHub
   * does. 'manual': jobs wait for pickUpJobs(), for a test that wants to see them queued first.
   */
  jobPickup?: 'auto' | 'manual';
  /** GitHub's secondary rate limits (secondary-limits.ts), modelled by default; what is given here replaces its default. */
  secondaryLimits?: Partial<SecondaryLimits>;
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
  /**
   * How long a runner that takes a job goes on reading `busy: false` in the API (lists, get, and a
   * DELETE that succeeds), as GitHub's flag lags (runners.ts, apiBusy). Read when each job begins; 0 by
   * default: the flag on time, as GitHub often has it.
   */
  busyLagMs: number;
}

export interface GitHubSimulatorStats {
  /** API requests per "METHOD /route/{template}", faulted ones included. */
  calls: Record<string, number>;
  jitConfigsIssued: number;
  /**
   * Each JIT config request and runner delete: when it arrived and was answered (Date.now()), the runner's
   * name (a delete of an unknown id: `#<id>`), and the status sent, faults included, or `dropped`.
   */
  registrationRequests: {
    kind: 'register' | 'delete';
    name: string;
    at: number;
    answeredAt?: number;
    status?: number | 'dropped';
  }[];
  deletesRefusedBusy: number;
  installationTokensIssued: number;
  faultsInjected: { dropped: number; serverErrors: number; rateLimited: number; tooManyRequests: number };
  inFlight: number;
  maxInFlight: number;
  /** API requests refused by the primary rate limit of their credential (not the injected faults). */
  primaryLimited: number;
  /** API requests per credential ("pat", "pat 2", "installation 7", …), refused ones included. */
  callsByCredential: Record<string, number>;
  /** API requests refused by a secondary rate limit the simulator models (not the injected faults). */
  secondaryLimited: { concurrency: number; points: number; contentCreation: number };
  /** workflow_job webhooks sent to `webhook`: answered 2xx, or not (another status, or no answer). */
  webhooks: { delivered: number; failed: number };
}

export type SimulatedScope = { org: string } | { owner: string; repo: string };

export interface SimulatedRunner {
  id: number;
  name: string;
  /** "orgs/acme" or "repos/acme/widgets". */
  scope: string;
  status: 'online' | 'offline';
  /** The truth, not the API's lagging flag: the runner runs a job. */
  busy: boolean;
  labels: string[];
  runnerGroupId: number;
}

/** A job killed by its runner's removal (killed-jobs.ts): times are Date.now() values. */
export interface KilledJob {
  runnerName: string;
  /** Absent for a job given by assignJob rather than queued. */
  jobId?: number;
  /** When the runner came online (absent for one added online by addRunner). */
  onlineAt?: number;
  startedAt: number;
  /** The flag's lag in force when the job began. */
  lagMs: number;
  killedAt: number;
  /** The registration deleted (a DELETE accepted while the flag lagged), or the runner's machine gone. */
  cause: 'registration-deleted' | 'machine-lost';
}

/** GitHub's job statuses: a job waits (queued; or waiting, requested, pending), runs, and completes. */
export type SimulatedJobStatus = 'queued' | 'waiting' | 'requested' | 'pending' | 'in_progress' | 'completed';

export interface SimulatedJob {
  id: number;
  /** The job's API URL on this simulator, as a workflow_job webhook carries it. */
  url: string;
  owner: string;
  repo: string;
  labels: string[];
  status: SimulatedJobStatus;
  /** Set once completed: success when it ran, cancelled when it never started, or as finishJobById says. */
  conclusion: string | null;
  /** The runner that took it. */
  runnerName?: string;
}

export interface QueueJobRequest {
  /** The job's `runs-on` labels; a runner takes it when its labels hold them all (in any case). */
  labels: string[];
  /** The organisation by default. */
  owner?: string;
  /** "widgets" by default. */
  repo?: string;
  /** 'queued' by default; a job in any other waiting status is shown, not picked up. */
  status?: 'queued' | 'waiting' | 'requested' | 'pending';
}

/**
 * A webhook's content type: `form` (application/x-www-form-urlencoded, the JSON in a `payload` field) or
 * `json` (the JSON as the body). GitHub's default for a new webhook is form.
 */
export type WebhookContentType = 'form' | 'json';

/** Where workflow_job webhooks go, signed with the secret, as a GitHub webhook's settings say. */
export interface WebhookTarget {
  url: string;
  secret: string;
  /** form by default, as on GitHub. */
  contentType?: WebhookContentType;
}

/** One webhook delivery as GitHub POSTs it: the headers (X-GitHub-Event, the signatures, ...) and the raw body. */
export interface WebhookDelivery {
  headers: Record<string, string>;
  body: string;
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
  /** GitHub's secondary rate limits as modelled; mutable, read on every request. */
  secondaryLimits: SecondaryLimits;
  readonly stats: GitHubSimulatorStats;
  /** A VM ran `run.sh --jitconfig`: its runner comes online, idle. Unknown or used configs throw. */
  bootRunner(encodedJitConfig: string): SimulatedRunner;
  /** The runner took a job: busy. */
  assignJob(runnerName: string): SimulatedRunner;
  /** The job ended (a queued one taken, if any, completes): a JIT runner is single-use, so it deregisters. */
  finishJob(runnerName: string): void;
  /** The runner's machine is gone: it goes offline, and the job it ran fails (recorded in killedJobs). */
  loseRunner(runnerName: string): void;
  /** Every JIT config issued so far, encoded as sent: secrets a test searches logs and histories for. */
  issuedJitConfigs(): string[];
  /** Every job killed so far by its runner's removal, oldest first. */
  killedJobs(): KilledJob[];
  /** A workflow job waiting for a runner; with pickup 'auto', an idle runner that fits takes it at once. */
  queueJob(request: QueueJobRequest): { id: number; url: string };
  jobs(): SimulatedJob[];
  /** Every queued job an idle online runner fits goes to one (oldest job first); answers who took what. */
  pickUpJobs(): { jobId: number; runnerName: string }[];
  /**
   * The job completes: a running one as finishJob on its runner (conclusion success by default), a
   * waiting one without a runner (cancelled by default). A completed or unknown job throws.
   */
  finishJobById(jobId: number, conclusion?: string): void;
  /** Mutable: undefined (default) sends no webhooks; otherwise each job's queued, in_progress and completed. */
  webhook: WebhookTarget | undefined;
  /**
   * The signed workflow_job delivery GitHub sends for the job's latest change (action queued, waiting,
   * in_progress or completed, as its status is now), to POST by hand with sendDelivery; form-encoded
   * unless told otherwise.
   */
  workflowJobDelivery(jobId: number, secret: string, contentType?: WebhookContentType): WebhookDelivery;
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
