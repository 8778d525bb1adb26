import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { loadCredentials, type OpenStackCredentials } from '../../activities/openstack';
import { parseFlavors } from '../../contracts/flavors-file';
import { resolveSettings, type FlavorSettingsInput } from '../../contracts/settings';
import {
  loadTemporalConnection,
  TemporalConnectionError,
  type TemporalConnection,
} from '../../contracts/temporal-connection';
import { StartupError } from '../app';
import { resolveGitHubAuth, type WorkerGitHubAuth } from './github-credentials';
import { workerConfigSchema, type WorkerConfigFile } from './schema';
import { emptyFile, unreadableFile, type SecretReader } from './secret-source';

type Env = Record<string, string | undefined>;

export interface WorkerConfig {
  managerId: string;
  temporal: TemporalConnection;
  /**
   * Absent: this worker serves static flavors only. Each secret is the value read at start; a `…File`
   * beside it says it came from that file, which the worker reads again at use (worker-secrets.ts).
   */
  planner?: { url: string; token: string; tokenFile?: string };
  github: {
    baseUrl: string;
    scope: { org: string } | { owner: string; repo: string };
    /** One credential, or a pool of them for the one org or repository (github.credentials). */
    auth: WorkerGitHubAuth | WorkerGitHubAuth[];
    runnerGroup?: string;
    /** The client's budget per endpoint (schema.ts); GitHub.com's when absent. */
    endpointPointsPerMinute?: number;
  };
  openstack: { credentials: OpenStackCredentials; securityGroups?: string[]; keyName?: string };
  runner?: { dir: string; user: string };
  metrics?: { port: number; host: string };
  /** Reactive mode's webhook intake: absent unless configured. */
  intake?: {
    port: number;
    host: string;
    path: string;
    secret: string;
    secretFile?: string;
    flavors: FlavorSettingsInput[];
  };
}

/** A configuration the worker must not start with; the message names each field and why. */
export class ConfigError extends StartupError {
  constructor(readonly problems: string[]) {
    super(`invalid worker configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export interface ConfigSources {
  env: Env;
  /** The YAML file; RUNNER_AUTOSCALER_CONFIG when not given. Without either, env alone configures. */
  path?: string;
  readFile?: (path: string) => string;
}

/**
 * Reads the file, lays the environment over it, checks everything, and reads the secrets it names.
 * It either answers a whole configuration or throws a ConfigError listing every problem: nothing
 * half-starts.
 */
export function loadWorkerConfig({
  env,
  path = env.RUNNER_AUTOSCALER_CONFIG,
  readFile = readText,
}: ConfigSources): WorkerConfig {
  const raw = path ? parseFile(path, readFile) : {};
  const parsed = workerConfigSchema.safeParse(withEnvironment(raw, env));
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map(describeIssue));
  const file = parsed.data;
  const problems: string[] = [];
  const secret = (field: string, fromEnv: string | undefined, filePath: string | undefined) => {
    if (fromEnv) return fromEnv;
    if (!filePath) return undefined;
    try {
      const text = readFile(filePath).trim();
      if (text) return text;
      problems.push(emptyFile(field, filePath));
    } catch (err) {
      problems.push(unreadableFile(field, filePath, err));
    }
    return undefined;
  };

  const planner = resolvePlanner(
    file,
    secret(`planner.tokenFile`, env.PLANNER_TOKEN, file.planner?.tokenFile),
    env.PLANNER_TOKEN ? undefined : file.planner?.tokenFile,
    problems,
  );
  const github = resolveGitHub(file, env, secret, problems);
  const openstack = resolveOpenStack(file, env, problems);
  const temporal = resolveTemporal(file, env, secret, problems);
  const intake = resolveIntake(file, env, secret, readFile, problems);
  if (problems.length > 0 || !github || !openstack || !temporal) throw new ConfigError(problems);
  return {
    managerId: file.managerId,
    temporal,
    planner,
    github,
    openstack,
    runner: file.runner,
    metrics: file.metrics,
    intake,
  };
}

function parseFile(path: string, readFile: (path: string) => string): unknown {
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    throw new ConfigError([`config file ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  try {
    return parseYaml(text) ?? {};
  } catch (err) {
    throw new ConfigError([`config file ${path}: not valid YAML (${(err as Error).message.split('\n')[0]})`]);
  }
}

/** Environment variables win over the file, field by field. */
function withEnvironment(raw: unknown, env: Env): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const config = structuredClone(raw) as Record<string, unknown>;
  const set = (section: string, field: string, value: unknown) => {
    if (value === undefined || value === '') return;
    const current = config[section];
    config[section] = { ...(typeof current === 'object' && current !== null ? current : {}), [field]: value };
  };
  if (env.RUNNER_AUTOSCALER_MANAGER_ID) config.managerId = env.RUNNER_AUTOSCALER_MANAGER_ID;
  set('planner', 'url', env.PLANNER_URL);
  set('github', 'apiUrl', env.GITHUB_API_URL);
  set('github', 'org', env.GITHUB_ORG);
  set('github', 'repository', env.GITHUB_REPOSITORY);
  set('github', 'runnerGroup', env.GITHUB_RUNNER_GROUP);
  if (env.GITHUB_ENDPOINT_POINTS_PER_MINUTE) {
    set('github', 'endpointPointsPerMinute', Number(env.GITHUB_ENDPOINT_POINTS_PER_MINUTE));
  }
  if (env.GITHUB_APP_ID || env.GITHUB_APP_INSTALLATION_ID || env.GITHUB_APP_PRIVATE_KEY_FILE) {
    set('github', 'app', {
      appId: Number(env.GITHUB_APP_ID),
      installationId: Number(env.GITHUB_APP_INSTALLATION_ID),
      privateKeyFile: env.GITHUB_APP_PRIVATE_KEY_FILE,
    });
  }
  set('openstack', 'cloud', env.OS_CLOUD);
  return config;
}

function resolvePlanner(
  file: WorkerConfigFile,
  token: string | undefined,
  tokenFile: string | undefined,
  problems: string[],
): WorkerConfig['planner'] {
  const url = file.planner?.url;
  if (url && !token) problems.push('planner: a URL is set but no token (PLANNER_TOKEN or planner.tokenFile)');
  if (token && !url) problems.push('planner: a token is set but no URL (PLANNER_URL or planner.url)');
  return url && token ? { url, token, ...(tokenFile && { tokenFile }) } : undefined;
}

function resolveGitHub(
  file: WorkerConfigFile,
  env: Env,
  secret: SecretReader,
  problems: string[],
): WorkerConfig['github'] | undefined {
  const github = file.github;
  if (!github) {
    problems.push('github: required (github.org or github.repository, and a token or an app)');
    return undefined;
  }
  if (Boolean(github.org) === Boolean(github.repository)) {
    problems.push('github: set exactly one of org and repository');
  }
  const auth = resolveGitHubAuth(github, env.GITHUB_TOKEN, secret, problems);
  const scope = github.org
    ? { org: github.org }
    : { owner: github.repository?.split('/')[0] ?? '', repo: github.repository?.split('/')[1] ?? '' };
  const { endpointPointsPerMinute } = github;
  return auth && { baseUrl: github.apiUrl, scope, auth, runnerGroup: github.runnerGroup, endpointPointsPerMinute };
}

function resolveOpenStack(file: WorkerConfigFile, env: Env, problems: string[]): WorkerConfig['openstack'] | undefined {
  try {
    const cloud = file.openstack?.cloud;
    const credentials = loadCredentials({ env: { ...env, OS_CLOUD: cloud } });
    return { credentials, securityGroups: file.openstack?.securityGroups, keyName: file.openstack?.keyName };
  } catch (err) {
    problems.push(`openstack: ${(err as Error).message}`);
    return undefined;
  }
}

/** The temporal CLI's profile and environment (contracts/temporal-connection.ts), the file's section between. */
function resolveTemporal(
  file: WorkerConfigFile,
  env: Env,
  secret: SecretReader,
  problems: string[],
): WorkerConfig['temporal'] | undefined {
  const { address, namespace, taskQueue, tls, apiKeyFile } = file.temporal;
  const path = (filePath: string | undefined) => (filePath === undefined ? undefined : { path: filePath });
  const config = {
    address,
    namespace,
    taskQueue,
    apiKey: secret('temporal.apiKeyFile', undefined, apiKeyFile),
    tls: tls && {
      serverName: tls.serverName,
      serverCACert: path(tls.caFile),
      clientCert: path(tls.clientCertFile),
      clientKey: path(tls.clientKeyFile),
    },
  };
  try {
    return loadTemporalConnection({ env, config });
  } catch (err) {
    if (!(err instanceof TemporalConnectionError)) throw err;
    problems.push(`temporal: ${err.message}`);
    return undefined;
  }
}

/**
 * The intake needs a secret, or anyone who finds its port could enqueue jobs, and a flavors file with a
 * reactive flavor, or it would route nothing. The flavors file is checked the way `apply` checks it.
 */
function resolveIntake(
  file: WorkerConfigFile,
  env: Env,
  secret: SecretReader,
  readFile: (path: string) => string,
  problems: string[],
): WorkerConfig['intake'] {
  if (!file.intake) return undefined;
  const { port, host, path, secretFile, flavorsFile } = file.intake;
  if (!env.GITHUB_WEBHOOK_SECRET && !secretFile) {
    problems.push('intake: a webhook secret is required (GITHUB_WEBHOOK_SECRET or intake.secretFile)');
  }
  const webhookSecret = secret('intake.secretFile', env.GITHUB_WEBHOOK_SECRET, secretFile);
  let flavors: FlavorSettingsInput[] | undefined;
  try {
    flavors = parseFlavors(readFile(flavorsFile), flavorsFile);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push(`intake.flavorsFile: ${code ? `cannot read ${flavorsFile} (${code})` : (err as Error).message}`);
  }
  if (flavors && !flavors.some((flavor) => resolveSettings(flavor).mode === 'reactive')) {
    problems.push(`intake.flavorsFile: no flavor in ${flavorsFile} has mode reactive`);
  }
  const fromFile = env.GITHUB_WEBHOOK_SECRET ? undefined : secretFile;
  return webhookSecret && flavors
    ? { port, host, path, secret: webhookSecret, ...(fromFile && { secretFile: fromFile }), flavors }
    : undefined;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return `${field}: ${issue.message}`;
}

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
