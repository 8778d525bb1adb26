import type { Dispatcher } from 'undici';
import { isCatalog, selectEndpoint, type CatalogService } from './catalog';
import type { OpenStackCredentials, ScopedName } from './credentials';
import { OpenStackError, isOpenStackError } from './errors';
import { exchange, statusError, type HttpMethod, type HttpResult } from './http';
import { defaultRetryPolicy, withRetries, type RetryPolicy } from './retry';
import { Secret } from './secret';
import { markCreate } from '../trace';

export interface SessionOptions {
  /** undici dispatcher (connection pool, proxy, TLS settings); the global one by default. */
  dispatcher?: Dispatcher;
  /** Renew a token this long before it expires (at most half its lifetime). Default 60 s. */
  renewBeforeMs?: number;
  /** Headers and body timeout of each HTTP attempt. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
}

export interface OpenStackResponse<T = unknown> {
  status: number;
  headers: Record<string, string | undefined>;
  body: T;
}

/** HTTP attempts per API: `keystone` counts token requests, the rest are catalog service types. */
export interface SessionStats {
  tokensIssued: number;
  calls: Record<string, number>;
  /** Attempts repeated after a 429, 5xx or lost connection. */
  retries: number;
  /** Requests repeated with a fresh token after a 401. */
  renewalsOn401: number;
}

interface Token {
  value: Secret;
  /** Local clock. */
  renewAt: number;
  catalog: CatalogService[];
  projectId?: string;
}

/**
 * A Keystone v3 session: one token, shared by all callers and renewed shortly before it expires or when a
 * service rejects it; the catalog that came with it says where each service lives.
 */
export class KeystoneSession {
  readonly credentials: OpenStackCredentials;
  readonly #options: Required<Omit<SessionOptions, 'dispatcher' | 'retry'>> & {
    dispatcher?: Dispatcher;
    retry: RetryPolicy;
  };
  #token?: Token;
  /** The token request in flight: concurrent callers wait for it instead of asking for their own. */
  #issuing?: Promise<Token>;
  readonly #stats: SessionStats = { tokensIssued: 0, calls: {}, retries: 0, renewalsOn401: 0 };

  constructor(credentials: OpenStackCredentials, options: SessionOptions = {}) {
    this.credentials = credentials;
    this.#options = {
      dispatcher: options.dispatcher,
      renewBeforeMs: options.renewBeforeMs ?? 60_000,
      timeoutMs: options.timeoutMs ?? 30_000,
      retry: { ...defaultRetryPolicy, ...options.retry },
    };
  }

  get stats(): SessionStats {
    return { ...this.#stats, calls: { ...this.#stats.calls } };
  }

  /** The API base of a service type (`compute`, `image`, `network`) for the configured interface and region. */
  async endpointFor(serviceType: string): Promise<string> {
    return this.#endpoint(await this.#currentToken(), serviceType);
  }

  /** The project the token is scoped to. */
  async projectId(): Promise<string | undefined> {
    return (await this.#currentToken()).projectId;
  }

  /**
   * An authenticated call to `path` (`/servers`, `/` for the version document) under the service's API
   * base (the catalog URL with the client's API version, see apiBase). A 401 renews the token and repeats
   * the call once; 429, 5xx and lost connections are retried within the retry policy. 4xx/5xx answers that
   * remain throw an OpenStackError.
   */
  async request<T = unknown>(
    serviceType: string,
    method: HttpMethod,
    path: string,
    options: RequestOptions = {},
  ): Promise<OpenStackResponse<T>> {
    for (let renewed = false; ; renewed = true) {
      markCreate('token-check-start');
      const token = await this.#currentToken();
      markCreate('token-check-end');
      const url = withQuery(`${this.#endpoint(token, serviceType)}${path}`, options.query);
      const headers: Record<string, string> = { ...options.headers, 'X-Auth-Token': token.value.reveal() };
      try {
        return (await this.#send(serviceType, method, url, headers, options)) as OpenStackResponse<T>;
      } catch (err) {
        if (renewed || !isOpenStackError(err, 'unauthorized')) throw err;
        this.#stats.renewalsOn401 += 1;
        if (this.#token === token) this.#token = undefined;
      }
    }
  }

  #endpoint(token: Token, serviceType: string): string {
    return selectEndpoint(token.catalog, serviceType, this.credentials.interface, this.credentials.region);
  }

  async #currentToken(): Promise<Token> {
    if (this.#token && Date.now() < this.#token.renewAt) return this.#token;
    this.#issuing ??= this.#issue().finally(() => {
      this.#issuing = undefined;
    });
    return this.#issuing;
  }

  async #issue(): Promise<Token> {
    const started = Date.now();
    const url = tokensUrl(this.credentials.authUrl);
    let result: HttpResult;
    try {
      // Asking for a token twice is harmless, so the request counts as idempotent.
      result = await this.#send('keystone', 'POST', url, {}, { body: authRequest(this.credentials) }, true);
    } catch (err) {
      if (!isOpenStackError(err, 'unauthorized')) throw err;
      throw new OpenStackError(`Keystone refused the credentials of ${this.credentials.source} (401)`, {
        kind: 'unauthorized',
        retryable: false,
        status: 401,
      });
    }
    const value = result.headers['x-subject-token'];
    const token = (result.body as { token?: Record<string, unknown> } | undefined)?.token;
    const expiresAt = Date.parse(String(token?.expires_at));
    if (!value || !token || Number.isNaN(expiresAt) || !isCatalog(token.catalog)) {
      throw new OpenStackError(`Keystone answered ${url} without a token, expiry or catalog`, {
        kind: 'invalid-response',
        retryable: true,
      });
    }
    this.#stats.tokensIssued += 1;
    // Keystone's clock may differ from ours: take the lifetime by its clock and count it from our own.
    const issuedAt = Date.parse(String(token.issued_at));
    const lifetime = Number.isNaN(issuedAt) ? expiresAt - Date.now() : expiresAt - issuedAt;
    const margin = Math.min(this.#options.renewBeforeMs, lifetime / 2);
    this.#token = {
      value: new Secret(value),
      renewAt: started + lifetime - margin,
      catalog: token.catalog,
      projectId: (token.project as { id?: string } | undefined)?.id,
    };
    return this.#token;
  }

  async #send(
    api: string,
    method: HttpMethod,
    url: string,
    headers: Record<string, string>,
    options: RequestOptions,
    idempotent = method !== 'POST' && method !== 'PATCH',
  ): Promise<HttpResult> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const x = {
      method,
      url,
      body,
      headers: {
        Accept: 'application/json',
        'User-Agent': 'openstack-runner-autoscaler',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      dispatcher: this.#options.dispatcher,
      signal: options.signal,
      timeoutMs: this.#options.timeoutMs,
    };
    const key = api === 'identity' ? 'keystone' : api;
    return withRetries(
      async () => {
        this.#stats.calls[key] = (this.#stats.calls[key] ?? 0) + 1;
        const result = await exchange(x);
        if (result.status >= 400) throw statusError(x, result);
        return result;
      },
      {
        idempotent,
        policy: this.#options.retry,
        signal: options.signal,
        onRetry: () => {
          this.#stats.retries += 1;
        },
      },
    );
  }
}

/** Accepts the identity root (`https://keystone:5000`) as well as its `/v3` form. */
export function tokensUrl(authUrl: string): string {
  const base = authUrl.replace(/\/+$/, '');
  return /\/v3$/.test(base) ? `${base}/auth/tokens` : `${base}/v3/auth/tokens`;
}

function authRequest(credentials: OpenStackCredentials): unknown {
  if (credentials.authType === 'v3applicationcredential') {
    const { id, name, user } = credentials.applicationCredential;
    // An application credential is bound to its project: Keystone rejects an explicit scope.
    return {
      auth: {
        identity: {
          methods: ['application_credential'],
          application_credential: id
            ? { id, secret: credentials.secret.reveal() }
            : { name, user: user && scopedName(user), secret: credentials.secret.reveal() },
        },
      },
    };
  }
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { ...scopedName(credentials.user), password: credentials.password.reveal() } },
      },
      scope: { project: scopedName(credentials.project) },
    },
  };
}

function scopedName(ref: ScopedName): Record<string, unknown> {
  if (ref.id) return { id: ref.id };
  return { name: ref.name, domain: ref.domainId ? { id: ref.domainId } : { name: ref.domainName } };
}

function withQuery(url: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.append(name, String(value));
  }
  const text = params.toString();
  return text ? `${url}${url.includes('?') ? '&' : '?'}${text}` : url;
}
