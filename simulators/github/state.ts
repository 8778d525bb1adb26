import { GitHubAuth } from './auth';
import { defaultFaults } from './faults';
import { JitConfigs } from './jit-config';
import { JobStore } from './jobs';
import { defaultHourlyLimit, PrimaryLimiter } from './primary-limits';
import { RunnerStore } from './runners';
import { defaultSecondaryLimits, SecondaryLimiter, type SecondaryLimits } from './secondary-limits';
import type { GitHubFaults, GitHubSimulatorOptions, GitHubSimulatorStats, KilledJob, WebhookTarget } from './types';

/** Everything one simulated GitHub holds, shared by its routes, its control API and its handle. */
export interface GitHubState {
  org: string;
  auth: GitHubAuth;
  runners: RunnerStore;
  jitConfigs: JitConfigs;
  jobs: JobStore;
  jobPickup: 'auto' | 'manual';
  stats: GitHubSimulatorStats;
  /** Jobs killed by their runner's removal (killed-jobs.ts). */
  killedJobs: KilledJob[];
  /** The API's base URL once listening: `http://host:port`, and the path prefix if there is one. */
  baseUrl: string;
  /** Cancels latency still being served when the simulator closes, so that no timer outlives it. */
  closing: AbortController;
  /**
   * The object startGitHubSimulator returns, made so early because its `faults` and `webhook` are the live
   * ones: a test changes them there, and resetFaults replaces the faults, so they are read through it on
   * every request and every job change.
   */
  simulator: { faults: GitHubFaults; webhook: WebhookTarget | undefined; secondaryLimits: SecondaryLimits };
  primary: PrimaryLimiter;
  secondary: SecondaryLimiter;
}

export function createState(options: GitHubSimulatorOptions): GitHubState {
  const org = options.org ?? 'acme';
  const simulator = {
    faults: defaultFaults(),
    webhook: undefined,
    secondaryLimits: { ...defaultSecondaryLimits(), ...options.secondaryLimits },
  };
  const stats: GitHubSimulatorStats = {
    calls: {},
    jitConfigsIssued: 0,
    registrationRequests: [],
    deletesRefusedBusy: 0,
    installationTokensIssued: 0,
    faultsInjected: { dropped: 0, serverErrors: 0, rateLimited: 0, tooManyRequests: 0 },
    inFlight: 0,
    maxInFlight: 0,
    primaryLimited: 0,
    callsByCredential: {},
    secondaryLimited: { concurrency: 0, points: 0, contentCreation: 0 },
    webhooks: { delivered: 0, failed: 0 },
  };
  const auth = new GitHubAuth(options);
  const extraLimits = new Map(
    options.tokens?.map(({ token, hourlyLimit }) => [auth.credentialOfToken(token), hourlyLimit ?? defaultHourlyLimit]),
  );
  const hourlyLimit = options.hourlyLimit ?? defaultHourlyLimit;
  return {
    org,
    auth,
    runners: new RunnerStore(org, options),
    jitConfigs: new JitConfigs(),
    jobs: new JobStore(org),
    jobPickup: options.jobPickup ?? 'auto',
    stats,
    killedJobs: [],
    baseUrl: '',
    closing: new AbortController(),
    simulator,
    primary: new PrimaryLimiter((credential) => extraLimits.get(credential) ?? hourlyLimit),
    secondary: new SecondaryLimiter(() => simulator.secondaryLimits, stats),
  };
}
