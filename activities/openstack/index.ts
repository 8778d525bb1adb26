import type { Dispatcher } from 'undici';
import type { OpenStackCredentials } from './credentials';
import { KeystoneSession, type SessionOptions } from './keystone';
import { NovaClient, type NovaOptions } from './nova';

export * from './credentials';
export * from './errors';
export { KeystoneSession, tokensUrl } from './keystone';
export type { OpenStackResponse, RequestOptions, SessionOptions, SessionStats } from './keystone';
export type { HttpMethod } from './http';
export { NovaClient, escapeRegex } from './nova';
export type { CreateServerRequest, NovaOptions, OpenStackClientStats, Server, ServerFilter } from './nova';
export type { RetryPolicy } from './retry';
export { Secret } from './secret';

export interface OpenStackClientOptions extends NovaOptions, Omit<SessionOptions, 'dispatcher'> {
  dispatcher?: Dispatcher;
}

/** A Nova client over its own Keystone session: one token for all its calls. */
export function createOpenStackClient(
  credentials: OpenStackCredentials,
  options: OpenStackClientOptions = {},
): NovaClient {
  const { maxMicroversion, pageSize, nameCacheTtlMs, ...sessionOptions } = options;
  return new NovaClient(new KeystoneSession(credentials, sessionOptions), {
    maxMicroversion,
    pageSize,
    nameCacheTtlMs,
  });
}
