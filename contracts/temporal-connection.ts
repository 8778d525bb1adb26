import type { TLSConfig } from '@temporalio/client';
import {
  loadClientConfigProfile,
  toClientOptions,
  type ClientConfigProfile,
  type ClientConfigTLS,
} from '@temporalio/envconfig';

/**
 * The Temporal connection of the worker and of `runner-autoscaler`, read as the temporal CLI reads its own:
 * with @temporalio/envconfig, a profile of the CLI's TOML file (TEMPORAL_CONFIG_FILE, or
 * ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE, or `default`) under the TEMPORAL_* variables
 * (https://docs.temporal.io/references/client-environment-configuration). A missing file is no error,
 * as for the temporal CLI; a named profile that is missing is. Not for the workflow bundle: it reads files.
 */

type Env = Record<string, string | undefined>;

/** The autoscaler's own variable: envconfig has no task queue, so TEMPORAL_* is not ours to extend. */
export const TASK_QUEUE_VARIABLE = 'RUNNER_AUTOSCALER_TASK_QUEUE';
export const DEFAULT_TASK_QUEUE = 'runner-autoscaler';
/** The SDK's own defaults, written out so that the settings say where they connect. */
const DEFAULT_ADDRESS = 'localhost:7233';
const DEFAULT_NAMESPACE = 'default';

/**
 * Variables the worker or the CLI read before, each with its successor. Set, they stop the start: ignored,
 * one would send a worker to another task queue than its CLI, or connect without the TLS it asks for.
 */
const replacedVariables: Record<string, string> = {
  TEMPORAL_TASK_QUEUE: TASK_QUEUE_VARIABLE,
  TEMPORAL_TLS_CA: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  TEMPORAL_TLS_CERT: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
};

/** Settings laid over the profile: the worker file's `temporal:` section, or the CLI's flags. */
export interface TemporalSettings {
  address?: string;
  namespace?: string;
  taskQueue?: string;
  apiKey?: string;
  /** envconfig's TLS shape; each field set wins over the one below it. */
  tls?: ClientConfigTLS;
}

/** What Connection.connect and NativeConnection.connect take, plus the namespace and the task queue. */
export interface TemporalConnection {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  /** false: plain text even with an API key; undefined: the SDK's rule (TLS exactly when there is an API key). */
  tls?: TLSConfig | boolean;
  /** gRPC headers: the profile's grpc_meta and TEMPORAL_GRPC_META_*. */
  metadata?: Record<string, string>;
}

/** A connection setting that cannot be used; the message names the variable, field or file, never a key. */
export class TemporalConnectionError extends Error {
  override readonly name = 'TemporalConnectionError';
}

export interface TemporalConnectionSources {
  env: Env;
  /** The worker file's settings: over the profile, under the environment. */
  config?: TemporalSettings;
  /** The CLI's flags: over everything. */
  flags?: TemporalSettings;
  /** The profile to use instead of TEMPORAL_PROFILE (the CLI's --profile). */
  profile?: string;
}

/**
 * Precedence, lowest first: the SDK's defaults, the profile, `config`, the environment, `flags`; TLS field
 * by field. envconfig lays the environment over the profile itself; it is loaded a second time alone
 * (disableFile) so that `config` can sit between the two.
 */
export function loadTemporalConnection({
  env,
  config = {},
  flags = {},
  profile,
}: TemporalConnectionSources): TemporalConnection {
  const replaced = Object.entries(replacedVariables).filter(([old]) => env[old]);
  if (replaced.length > 0) {
    const problems = replaced.map(([old, now]) => `${old} is not read: set ${now} instead`);
    throw new TemporalConnectionError(problems.join('; '));
  }
  const overrideEnvVars = variables(env);
  let fromProfile: ClientConfigProfile;
  let fromEnv: ClientConfigProfile;
  try {
    fromProfile = loadClientConfigProfile({ overrideEnvVars, profile });
    fromEnv = loadClientConfigProfile({ overrideEnvVars, disableFile: true });
  } catch (err) {
    throw new TemporalConnectionError(`cannot load the Temporal client profile: ${(err as Error).message}`);
  }
  const layers = [fromProfile, config, fromEnv, flags];
  const tlsLayers = layers.map((layer) => layer.tls).filter((tls): tls is ClientConfigTLS => tls !== undefined);
  const merged: ClientConfigProfile = {
    address: topmost(layers.map((layer) => layer.address)),
    namespace: topmost(layers.map((layer) => layer.namespace)),
    apiKey: topmost(layers.map((layer) => layer.apiKey)),
    tls:
      tlsLayers.length > 0
        ? tlsLayers.map(definedFields).reduce<ClientConfigTLS>((tls, layer) => ({ ...tls, ...layer }), {})
        : undefined,
    grpcMeta: fromProfile.grpcMeta,
  };
  // envconfig drops a certificate without its key (or the other way round) without a word: plain TLS, no mTLS.
  if (merged.tls && Boolean(merged.tls.clientCert) !== Boolean(merged.tls.clientKey)) {
    throw new TemporalConnectionError('Temporal mTLS: a client certificate and its key go together');
  }
  const { connectionOptions, namespace } = connectOptions(merged);
  return {
    address: connectionOptions.address ?? DEFAULT_ADDRESS,
    namespace: namespace ?? DEFAULT_NAMESPACE,
    taskQueue: flags.taskQueue ?? overrideEnvVars[TASK_QUEUE_VARIABLE] ?? config.taskQueue ?? DEFAULT_TASK_QUEUE,
    apiKey: merged.apiKey,
    tls: connectionOptions.tls ?? undefined,
    metadata: merged.grpcMeta,
  };
}

/** toClientOptions reads the TLS files: one it cannot read is named. */
function connectOptions(profile: ClientConfigProfile): ReturnType<typeof toClientOptions> {
  try {
    return toClientOptions(profile);
  } catch (err) {
    const { path, code } = err as NodeJS.ErrnoException;
    if (path === undefined) throw err;
    throw new TemporalConnectionError(`cannot read the Temporal TLS file ${path} (${code ?? 'error'})`);
  }
}

/**
 * The environment as envconfig takes it. An empty variable counts as unset, as it always has here (manifests
 * write empty values for optional settings); TEMPORAL_GRPC_META_* keep theirs: there, empty removes a header.
 */
function variables(env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && (entry[1] !== '' || entry[0].startsWith('TEMPORAL_GRPC_META_')),
    ),
  );
}

function topmost<T>(values: (T | undefined)[]): T | undefined {
  return values.reduce((below, value) => value ?? below, undefined);
}

function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
