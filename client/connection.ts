import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import { CliError, describeError } from './cli-error';

type Env = Record<string, string | undefined>;

export interface ConnectionFlags {
  address?: string;
  namespace?: string;
  'task-queue'?: string;
  tls?: boolean;
}

export interface ConnectionSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  apiKey?: string;
  /** Undefined: the SDK's default (TLS exactly when there is an API key). */
  tls?: TLSConfig | boolean;
}

/**
 * A CLI waits this long for Temporal, then says it cannot reach it: the SDK's default (10 s, with gRPC
 * retrying refused connections meanwhile) is long for a terminal, and a healthy server answers in well under.
 */
const CONNECT_TIMEOUT_MS = 5000;

/** Flags win over the environment, which wins over the defaults. */
export function connectionSettings(flags: ConnectionFlags, env: Env): ConnectionSettings {
  const taskQueue = flags['task-queue'] ?? env.RUNNER_AUTOSCALER_TASK_QUEUE ?? 'runner-autoscaler';
  // The visibility query of `status` names the task queue in single quotes.
  if (taskQueue.includes("'")) throw new CliError(`task queue ${JSON.stringify(taskQueue)} must not contain '`, 2);
  return {
    address: flags.address ?? env.TEMPORAL_ADDRESS ?? 'localhost:7233',
    namespace: flags.namespace ?? env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue,
    apiKey: env.TEMPORAL_API_KEY || undefined,
    tls: tlsSettings(flags.tls, env),
  };
}

function tlsSettings(flag: boolean | undefined, env: Env): TLSConfig | boolean | undefined {
  const pem = (name: string) => {
    const path = env[name];
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new CliError(`cannot read ${name} file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, 2);
    }
  };
  const enabled = flag || /^(1|true)$/i.test(env.TEMPORAL_TLS ?? '');
  const ca = pem('TEMPORAL_TLS_CA');
  const crt = pem('TEMPORAL_TLS_CERT');
  const key = pem('TEMPORAL_TLS_KEY');
  if (Boolean(crt) !== Boolean(key)) throw new CliError('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY go together', 2);
  // TEMPORAL_TLS=0 forces plain text even with an API key (say, behind a TLS-terminating proxy).
  if (!enabled && !ca && !crt) return /^(0|false)$/i.test(env.TEMPORAL_TLS ?? '') ? false : undefined;
  return { serverRootCACertificate: ca, clientCertPair: crt && key ? { crt, key } : undefined };
}

export interface Connected {
  client: Client;
  close(): Promise<void>;
}

export async function connect(settings: ConnectionSettings): Promise<Connected> {
  const { address, namespace, apiKey, tls } = settings;
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, apiKey, tls, connectTimeout: CONNECT_TIMEOUT_MS });
  } catch (err) {
    throw new CliError(`cannot reach Temporal at ${address}: ${describeError(err)}`, 2);
  }
  return { client: new Client({ connection, namespace }), close: () => connection.close() };
}
