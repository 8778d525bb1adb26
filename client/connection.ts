import { Client, Connection } from '@temporalio/client';
import {
  loadTemporalConnection,
  TemporalConnectionError,
  type TemporalConnection,
} from '../contracts/temporal-connection';
import { CliError, describeError } from './cli-error';

type Env = Record<string, string | undefined>;

export interface ConnectionFlags {
  address?: string;
  namespace?: string;
  'task-queue'?: string;
  tls?: boolean;
  profile?: string;
}

export type ConnectionSettings = TemporalConnection;

/**
 * A CLI waits this long for Temporal, then says it cannot reach it: the SDK's default (10 s, with gRPC
 * retrying refused connections meanwhile) is long for a terminal, and a healthy server answers in well under.
 */
const CONNECT_TIMEOUT_MS = 5000;

/** The worker's loader (the temporal CLI's profile and variables), the flags over it. */
export function connectionSettings(flags: ConnectionFlags, env: Env): ConnectionSettings {
  let settings: ConnectionSettings;
  try {
    settings = loadTemporalConnection({
      env,
      profile: flags.profile,
      flags: {
        address: flags.address,
        namespace: flags.namespace,
        taskQueue: flags['task-queue'],
        tls: flags.tls ? { disabled: false } : undefined,
      },
    });
  } catch (err) {
    if (err instanceof TemporalConnectionError) throw new CliError(err.message, 2);
    throw err;
  }
  // The visibility query of `status` names the task queue in single quotes.
  if (settings.taskQueue.includes("'")) {
    throw new CliError(`task queue ${JSON.stringify(settings.taskQueue)} must not contain '`, 2);
  }
  return settings;
}

export interface Connected {
  client: Client;
  close(): Promise<void>;
}

export async function connect(settings: ConnectionSettings): Promise<Connected> {
  const { address, namespace, apiKey, tls, metadata } = settings;
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, apiKey, tls, metadata, connectTimeout: CONNECT_TIMEOUT_MS });
  } catch (err) {
    throw new CliError(`cannot reach Temporal at ${address}: ${describeError(err)}`, 2);
  }
  return { client: new Client({ connection, namespace }), close: () => connection.close() };
}
