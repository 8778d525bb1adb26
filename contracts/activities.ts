/**
 * The contract between the flavor workflow and its activities. Everything here crosses the workflow
 * history, so nothing here may hold a secret: no token, no key, no JIT config. Secrets stay in the
 * clients that `createActivities(deps)` receives on the worker.
 */

/** What a runner of one flavor is made of; passed through from the workflow input to the activities. */
export interface RunnerSpec {
  /** This autoscaler's flavor name; VMs carry it in their metadata. */
  flavor: string;
  /** Runner and VM names are `<runnerNamePrefix>-<seq>`. */
  runnerNamePrefix: string;
  /** OpenStack image (name or id), Nova flavor (name or id) and network (name or id). */
  image: string;
  openstackFlavor: string;
  network: string;
  /** The flavor's GitHub runner labels; the JIT config's are these plus the implicit ones (policy/runner-labels.ts). */
  labels: string[];
  /** The runners' architecture label (x64, arm64). */
  architecture: string;
}

/** One runner as the joined view of its VM and its GitHub registration sees it. */
export type RunnerState = 'idle' | 'busy' | 'offline' | 'booting' | 'error';

export interface RunnerInfo {
  name: string;
  state: RunnerState;
  /** Nova server id and status (BUILD, ACTIVE, ERROR, ...); absent when there is no VM. */
  vmId?: string;
  vmStatus?: string;
  /** GitHub runner id; absent when GitHub has no registration for this name. */
  githubRunnerId?: number;
  /** ISO time the VM was created. */
  createdAt?: string;
}

export interface CreateRunnersRequest {
  spec: RunnerSpec;
  /** Names chosen by the workflow: a retry or a second worker reuses them, so a VM is never made twice. */
  names: string[];
}

/**
 * The ApplicationFailure types of the fleet and job activities (activities/failure-mapping.ts). The
 * unauthorized, forbidden, config and invalid-request kinds are non-retryable: the workflow shows them and
 * waits for its next tick. Rate limits are retried after the pause the service asked for.
 */
export const FleetFailure = {
  githubUnauthorized: 'GitHubUnauthorized',
  githubForbidden: 'GitHubForbidden',
  githubInvalidRequest: 'GitHubInvalidRequest',
  githubRateLimited: 'GitHubRateLimited',
  githubUnavailable: 'GitHubUnavailable',
  cloudConfig: 'OpenStackConfig',
  cloudUnauthorized: 'OpenStackUnauthorized',
  cloudForbidden: 'OpenStackForbidden',
  cloudInvalidRequest: 'OpenStackInvalidRequest',
  cloudRateLimited: 'OpenStackRateLimited',
  cloudUnavailable: 'OpenStackUnavailable',
  createFailed: 'CreateFailed',
} as const;

export interface CreateRunnersResult {
  /** Names whose VM exists now (created here, or already there from an earlier attempt). */
  created: string[];
  failed: { name: string; reason: string }[];
}

export interface CleanupRunnersRequest {
  spec: RunnerSpec;
  /** A runner still offline this long after its VM was created is removed. */
  bootTimeoutSeconds: number;
  /**
   * How old a GitHub runner list this call accepts: the worker shares one list of the scope between its
   * flavors. A tick accepts one of its cleanup interval; absent (a flush), a list begun after the call.
   */
  runnerListMaxAgeSeconds?: number;
}

/** Why a cleanup tick removed a runner (policy/cleanup.ts decides). */
export type RemovalReason =
  'duplicate_vm' | 'registration_without_vm' | 'vm_without_registration' | 'vm_error' | 'boot_timeout';

/** A runner an activity could not handle, and why; the others' outcomes stand. */
export interface RunnerFailure {
  name: string;
  reason: string;
}

export interface CleanupRunnersResult {
  /** What this tick removed: the reason as a code, and the same in words. */
  removed: { name: string; reason: RemovalReason; detail: string }[];
  /** The runners that remain, from the same single VM list and GitHub list. */
  runners: RunnerInfo[];
  /** Removals that failed this tick (the runner stays in `runners`; the next tick tries again). */
  failed?: RunnerFailure[];
  /**
   * When the GitHub runner list that judged them began (ISO 8601): the worker's shared list may be older
   * than the call, and an idle sighting dates from the list, not from the tick.
   */
  listedAt?: string;
}

export interface DeleteIdleRunnersRequest {
  spec: RunnerSpec;
  /** Idle runners from the tick's list, in order of preference (their ids spare a second list). */
  candidates: RunnerInfo[];
  /** Delete at most this many. */
  count: number;
}

export interface DeleteIdleRunnersResult {
  deleted: string[];
  /** Candidates GitHub refused to delete because a job took them meanwhile (422): their VMs are kept. */
  keptBusy: string[];
  /** Candidates whose delete failed: they stay, and count as runners still. */
  failed?: RunnerFailure[];
}

export interface DeleteBusyRunnersRequest {
  spec: RunnerSpec;
  candidates: RunnerInfo[];
}

export interface DeleteBusyRunnersResult {
  /** VM deleted (the job on it dies); the registration too, or left to the next cleanup as dangling. */
  deleted: string[];
  failed?: RunnerFailure[];
}

/**
 * A job message of the reactive queue, as a `workflow_job` webhook gives it: the job's labels and its
 * API URL `https://<api host>/repos/{owner}/{repo}/actions/jobs/{id}`.
 */
export interface JobMessage {
  jobId: number;
  labels: string[];
  url: string;
}

/**
 * What GitHub says of a job now. `foreign_host`: the URL is not on the configured GitHub API host (or
 * not a job URL), so the message is dropped without a call.
 */
export type JobStatus = 'queued' | 'in_progress' | 'completed' | 'not_found' | 'foreign_host';

export interface CheckJobRequest {
  url: string;
}

export interface CheckJobResult {
  status: JobStatus;
}

export interface PressureStreamRequest {
  /** The flavor name the planner knows. */
  plannerFlavor: string;
  /** Increases with each connection of one workflow; values from an older connection are ignored. */
  streamId: number;
  /** Silence longer than this makes the activity reconnect at once, keeping the last value (not a failure). */
  stallTimeoutSeconds: number;
}

/**
 * How a pressure stream ends, as ApplicationFailure types. The unauthorized and not-found kinds are
 * permanent until an operator acts: the workflow backs off at its cap instead of hot-looping.
 */
export const PlannerFailure = {
  unauthorized: 'PlannerUnauthorized',
  flavorNotFound: 'PlannerFlavorNotFound',
  unavailable: 'PlannerUnavailable',
} as const;

/**
 * The one way a pressure stream ends without failing: its worker is shutting down (a deploy), so the
 * workflow reconnects at once on another worker and keeps the last pressure meanwhile.
 */
export type PressureStreamEnd = 'worker-shutdown';

export interface RunnerActivities {
  /**
   * Long-lived: connects to the planner, heartbeats and signals each changed pressure value to its own
   * workflow run. It returns only when its worker shuts down; the end of the stream is a
   * PlannerUnavailable failure.
   */
  streamPressure(request: PressureStreamRequest): Promise<PressureStreamEnd>;
  createRunners(request: CreateRunnersRequest): Promise<CreateRunnersResult>;
  /**
   * Removes stale runners and returns the survivors: one VM list of the flavor's own, and the worker's
   * shared GitHub list (see CleanupRunnersRequest.runnerListMaxAgeSeconds).
   */
  cleanupRunners(request: CleanupRunnersRequest): Promise<CleanupRunnersResult>;
  /** Soft delete: GitHub registration first, the VM only after it; busy runners are never touched. */
  deleteIdleRunners(request: DeleteIdleRunnersRequest): Promise<DeleteIdleRunnersResult>;
  /** `flush --busy`: deletes these runners' VMs although they run jobs, then their registrations. */
  deleteBusyRunners(request: DeleteBusyRunnersRequest): Promise<DeleteBusyRunnersResult>;
  /** Reactive mode: the job's status on GitHub (the job URL's host must be the configured API host). */
  checkJob(request: CheckJobRequest): Promise<CheckJobResult>;
}
