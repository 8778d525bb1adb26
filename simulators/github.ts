/**
 * A GitHub REST API simulator for the self-hosted-runner endpoints, on node:http, speaking the real wire
 * formats: JSON bodies, Link pagination, x-ratelimit-* headers, GitHub's status codes and error bodies, and
 * App authentication (a JWT traded for an installation token). Runner VMs are simulated by lifecycle
 * helpers: bootRunner (run.sh --jitconfig), assignJob, finishJob. Faults are set at runtime, in process
 * (`faults`) or over HTTP (PUT /control/faults); /control/* needs no authentication.
 *
 * Run on its own: `node -r @swc-node/register simulators/github.ts`; GITHUB_SIMULATOR_PORT and
 * GITHUB_SIMULATOR_TOKEN pick the port and the PAT, which it prints with its base URL. Over HTTP, besides
 * PUT /control/faults: GET /control/stats, GET /control/runners, POST /control/runners/boot
 * {encoded_jit_config}, and POST (assign) or DELETE (finish) /control/runners/{name}/job.
 */
import { createPublicKey, randomBytes, randomUUID, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

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

const documentationUrl = 'https://docs.github.com/rest';
const secondaryMessage =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
  'If you reach out to GitHub Support for help, please include the request ID.';
const hourlyLimit = 5000;
const readOnlyLabels = ['self-hosted', 'Linux', 'X64'];

interface Runner {
  id: number;
  name: string;
  scope: Scope;
  groupId: number;
  labels: string[];
  status: 'online' | 'offline';
  busy: boolean;
  os: string;
}

interface Scope {
  /** "orgs/acme" or "repos/acme/widgets". */
  key: string;
  groups: { id: number; name: string }[];
  runners: Map<number, Runner>;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Context {
  params: Record<string, string | undefined>;
  url: URL;
  body: unknown;
}

interface ScopedContext extends Context {
  scope: Scope;
}

interface Route {
  method: string;
  pattern: RegExp;
  template: (params: Record<string, string | undefined>) => string;
  auth: 'token' | 'jwt';
  handle: (context: Context) => Reply;
}

const failure = (status: number, message: string): Reply => ({
  status,
  body: { message, documentation_url: documentationUrl, status: String(status) },
});

/** Thrown by a handler to answer with a GitHub error. */
class Refusal extends Error {
  constructor(readonly reply: Reply) {
    super((reply.body as { message: string }).message);
  }
}

const randomToken = (prefix: string) =>
  prefix +
  randomBytes(30)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 36);

const base64Json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

export async function startGitHubSimulator(options: GitHubSimulatorOptions = {}): Promise<GitHubSimulator> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomToken('ghp_');
  const org = options.org ?? 'acme';
  const appKey: KeyObject | undefined = options.app?.publicKeyPem
    ? createPublicKey(options.app.publicKeyPem)
    : undefined;
  const defaultFaults = (): GitHubFaults => ({
    latencyMs: 0,
    errorRate: 0,
    errorCount: 0,
    status429Count: 0,
    status429RetryAfterSeconds: 1,
    dropRate: 0,
  });

  const scopes = new Map<string, Scope>();
  const addScope = (key: string, groups: { id: number; name: string }[]) =>
    scopes.set(key.toLowerCase(), { key, groups, runners: new Map() });
  const orgGroups = [...(options.runnerGroups ?? [])];
  if (!orgGroups.some((group) => group.id === 1)) orgGroups.unshift({ id: 1, name: 'Default' });
  addScope(`orgs/${org}`, orgGroups);
  // A repository's runners have no groups but the default one.
  const { repo } = options;
  if (repo)
    addScope(
      `repos/${repo.owner}/${repo.repo}`,
      orgGroups.filter((group) => group.id === 1),
    );

  let nextRunnerId = 1;
  const labelIds = new Map<string, number>();
  /** JIT config secret → its runner, and whether a VM booted with it already. */
  const jitConfigs = new Map<string, { runnerId: number; used: boolean }>();
  const installationTokens = new Map<string, number>();
  let rateWindow = { resetMs: 0, used: 0 };
  let baseUrl = '';
  /** Cancels latency still being served when the simulator closes, so that no timer outlives it. */
  const closing = new AbortController();

  const stats: GitHubSimulatorStats = {
    calls: {},
    jitConfigsIssued: 0,
    deletesRefusedBusy: 0,
    installationTokensIssued: 0,
    faultsInjected: { dropped: 0, serverErrors: 0, rateLimited: 0, tooManyRequests: 0 },
    inFlight: 0,
    maxInFlight: 0,
  };

  const simulator = {
    faults: defaultFaults(),
  };

  // --- state helpers ---------------------------------------------------------------------------------

  const allRunners = () => [...scopes.values()].flatMap((scope) => [...scope.runners.values()]);
  const snapshot = (runner: Runner): SimulatedRunner => ({
    id: runner.id,
    name: runner.name,
    scope: runner.scope.key,
    status: runner.status,
    busy: runner.busy,
    labels: [...runner.labels],
    runnerGroupId: runner.groupId,
  });
  const runnerJson = (runner: Runner) => ({
    id: runner.id,
    name: runner.name,
    os: runner.os,
    status: runner.status,
    busy: runner.busy,
    ephemeral: true,
    labels: runner.labels.map((name) => {
      if (!labelIds.has(name)) labelIds.set(name, labelIds.size + 1);
      return { id: labelIds.get(name), name, type: readOnlyLabels.includes(name) ? 'read-only' : 'custom' };
    }),
  });
  const register = (scope: Scope, name: string, labels: string[], groupId: number): Runner => {
    const runner: Runner = {
      id: nextRunnerId++,
      name,
      scope,
      groupId,
      labels: [...readOnlyLabels, ...labels.filter((label) => !readOnlyLabels.includes(label))],
      status: 'offline',
      busy: false,
      os: 'unknown',
    };
    scope.runners.set(runner.id, runner);
    return runner;
  };
  const runnerNamed = (name: string): Runner => {
    const matches = allRunners().filter((runner) => runner.name === name);
    if (matches.length !== 1) throw new Error(`${matches.length} runners are named "${name}"`);
    return matches[0];
  };

  /** Base64 of a JSON shaped like GitHub's: the secret inside is what makes it valid, here only. */
  const encodeJitConfig = (runner: Runner, workFolder: string): string => {
    const secret = randomBytes(32).toString('base64');
    jitConfigs.set(secret, { runnerId: runner.id, used: false });
    return base64Json({
      '.runner': base64Json({
        AgentId: String(runner.id),
        AgentName: runner.name,
        PoolId: String(runner.groupId),
        ServerUrl: `${baseUrl}/_runner/${runner.scope.key}`,
        GitHubUrl: `https://github.com/${runner.scope.key.replace(/^(orgs|repos)\//, '')}`,
        WorkFolder: workFolder,
        Ephemeral: 'true',
      }),
      '.credentials': base64Json({
        Scheme: 'OAuthAccessToken',
        Data: {
          ClientId: randomUUID(),
          AuthorizationUrl: `${baseUrl}/_runner/token`,
          RequireFipsCryptography: 'False',
        },
      }),
      '.credentials_rsaparams': base64Json({ d: secret, exponent: 'AQAB' }),
    });
  };
  const secretOf = (encoded: string): string | undefined => {
    try {
      const outer = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Record<string, string>;
      const params = JSON.parse(Buffer.from(outer['.credentials_rsaparams'], 'base64').toString('utf8')) as {
        d?: unknown;
      };
      return typeof params.d === 'string' ? params.d : undefined;
    } catch {
      return undefined;
    }
  };

  // --- API handlers ----------------------------------------------------------------------------------

  const paginate = <T>(items: T[], url: URL): { page: T[]; headers: Record<string, string> } => {
    const perPage = Math.min(Math.max(Math.floor(Number(url.searchParams.get('per_page') ?? 30)) || 30, 1), 100);
    const page = Math.max(Math.floor(Number(url.searchParams.get('page') ?? 1)) || 1, 1);
    const last = Math.max(Math.ceil(items.length / perPage), 1);
    const link = (n: number, rel: string) => {
      const target = new URL(url.pathname + url.search, baseUrl);
      target.searchParams.set('per_page', String(perPage));
      target.searchParams.set('page', String(n));
      return `<${target.href}>; rel="${rel}"`;
    };
    const links = [
      ...(page > 1 ? [link(page - 1, 'prev')] : []),
      ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
      ...(page > 1 ? [link(1, 'first')] : []),
    ];
    return {
      page: items.slice((page - 1) * perPage, page * perPage),
      headers: links.length > 0 ? { link: links.join(', ') } : {},
    };
  };

  const invalid = (field: string) => new Refusal(failure(422, `Invalid request.\n\n"${field}" wasn't supplied.`));

  const generateJitConfig = ({ scope, body }: ScopedContext): Reply => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('name');
    const { name, runner_group_id: groupId, labels, work_folder: workFolder } = body as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') throw invalid('name');
    if (typeof groupId !== 'number' || !Number.isInteger(groupId)) throw invalid('runner_group_id');
    const labelsValid = Array.isArray(labels) && labels.every((label) => typeof label === 'string' && label !== '');
    if (!labelsValid || labels.length < 1 || labels.length > 100) throw invalid('labels');
    if (workFolder !== undefined && typeof workFolder !== 'string') throw invalid('work_folder');
    if (!scope.groups.some((group) => group.id === groupId)) throw new Refusal(failure(404, 'Not Found'));
    if ([...scope.runners.values()].some((runner) => runner.name === name)) {
      throw new Refusal(failure(409, `Already exists - A runner with the name ${name} already exists.`));
    }
    const runner = register(scope, name, labels as string[], groupId);
    stats.jitConfigsIssued += 1;
    return {
      status: 201,
      body: { runner: runnerJson(runner), encoded_jit_config: encodeJitConfig(runner, workFolder ?? '_work') },
    };
  };

  const listRunners = ({ scope, url }: ScopedContext): Reply => {
    const name = url.searchParams.get('name');
    const runners = [...scope.runners.values()].filter((runner) => name === null || runner.name === name);
    const { page, headers } = paginate(runners, url);
    return { status: 200, headers, body: { total_count: runners.length, runners: page.map(runnerJson) } };
  };

  const runnerOf = ({ scope, params }: ScopedContext): Runner => {
    const runner = scope.runners.get(Number(params.runnerId));
    if (!runner) throw new Refusal(failure(404, 'Not Found'));
    return runner;
  };

  const deleteRunner = (context: ScopedContext): Reply => {
    const runner = runnerOf(context);
    if (runner.busy) {
      stats.deletesRefusedBusy += 1;
      throw new Refusal(failure(422, `Bad request - Runner ${runner.name} is still running a job`));
    }
    context.scope.runners.delete(runner.id);
    return { status: 204 };
  };

  const listGroups = ({ scope, url }: ScopedContext): Reply => {
    const { page, headers } = paginate(scope.groups, url);
    const groups = page.map((group) => ({
      id: group.id,
      name: group.name,
      visibility: 'all',
      default: group.id === 1,
      runners_url: `${baseUrl}/${scope.key}/actions/runner-groups/${group.id}/runners`,
      inherited: false,
      allows_public_repositories: false,
      restricted_to_workflows: false,
      selected_workflows: [],
      workflow_restrictions_read_only: false,
    }));
    return { status: 200, headers, body: { total_count: scope.groups.length, runner_groups: groups } };
  };

  const createAccessToken = ({ params }: Context): Reply => {
    if (Number(params.installationId) !== options.app?.installationId) throw new Refusal(failure(404, 'Not Found'));
    const issued = randomToken('ghs_');
    const expiresAt = Date.now() + 3_600_000;
    installationTokens.set(issued, expiresAt);
    stats.installationTokensIssued += 1;
    return {
      status: 201,
      body: {
        token: issued,
        expires_at: new Date(expiresAt).toISOString().replace(/\.\d+Z$/, 'Z'),
        permissions: { organization_self_hosted_runners: 'write', administration: 'write' },
        repository_selection: 'all',
      },
    };
  };

  /** An organisation or repository the simulator does not serve is a 404, as on GitHub. */
  const withScope =
    (handle: (context: ScopedContext) => Reply) =>
    (context: Context): Reply => {
      const { org: orgName, owner, repo } = context.params;
      const scope = scopes.get((orgName !== undefined ? `orgs/${orgName}` : `repos/${owner}/${repo}`).toLowerCase());
      if (!scope) throw new Refusal(failure(404, 'Not Found'));
      return handle({ ...context, scope });
    };
  const scopeRoot = '^(?:/orgs/(?<org>[^/]+)|/repos/(?<owner>[^/]+)/(?<repo>[^/]+))';
  const scoped = (
    method: string,
    path: string,
    template: string,
    handle: (context: ScopedContext) => Reply,
  ): Route => ({
    method,
    pattern: new RegExp(`${scopeRoot}${path}$`),
    template: (params) => `${params.org !== undefined ? '/orgs/{org}' : '/repos/{owner}/{repo}'}${template}`,
    auth: 'token',
    handle: withScope(handle),
  });
  const routes: Route[] = [
    scoped('POST', '/actions/runners/generate-jitconfig', '/actions/runners/generate-jitconfig', generateJitConfig),
    scoped('GET', '/actions/runners', '/actions/runners', listRunners),
    scoped('GET', '/actions/runners/(?<runnerId>\\d+)', '/actions/runners/{runner_id}', (context) => ({
      status: 200,
      body: runnerJson(runnerOf(context)),
    })),
    scoped('DELETE', '/actions/runners/(?<runnerId>\\d+)', '/actions/runners/{runner_id}', deleteRunner),
    {
      method: 'GET',
      pattern: /^\/orgs\/(?<org>[^/]+)\/actions\/runner-groups$/,
      template: () => '/orgs/{org}/actions/runner-groups',
      auth: 'token',
      handle: withScope(listGroups),
    },
    {
      method: 'POST',
      pattern: /^\/app\/installations\/(?<installationId>\d+)\/access_tokens$/,
      template: () => '/app/installations/{installation_id}/access_tokens',
      auth: 'jwt',
      handle: createAccessToken,
    },
  ];

  // --- authentication --------------------------------------------------------------------------------

  /** GitHub's messages, so that @octokit/auth-app's clock-skew retry recognises the time claims. */
  const jwtProblem = (jwt: string): string | undefined => {
    const undecodable = 'A JSON web token could not be decoded';
    const app = options.app;
    const parts = jwt.split('.');
    if (!app || parts.length !== 3) return undecodable;
    let header: { alg?: unknown };
    let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return undecodable;
    }
    if (header?.alg !== 'RS256' || typeof claims !== 'object' || claims === null) return undecodable;
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    if (appKey && !verify('sha256', signed, appKey, Buffer.from(parts[2], 'base64url'))) return undecodable;
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp } = claims;
    if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > now + 60) {
      return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
    }
    if (typeof exp !== 'number' || exp <= now) {
      return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
    }
    if (exp - iat > 600) return "'Expiration time' claim ('exp') is too far in the future";
    if (String(claims.iss) !== String(app.appId)) return 'Integration not found';
    return undefined;
  };

  const authProblem = (req: IncomingMessage, kind: Route['auth']): string | undefined => {
    const presented = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (presented === undefined) return 'Requires authentication';
    if (kind === 'jwt') return jwtProblem(presented);
    const tokenExpiry = installationTokens.get(presented);
    return presented === token || (tokenExpiry !== undefined && tokenExpiry > Date.now())
      ? undefined
      : 'Bad credentials';
  };

  // --- HTTP --------------------------------------------------------------------------------------------

  const rateLimitHeaders = (): Record<string, string> => {
    const now = Date.now();
    if (now >= rateWindow.resetMs) rateWindow = { resetMs: now + 3_600_000, used: 0 };
    rateWindow.used += 1;
    return {
      'x-ratelimit-limit': String(hourlyLimit),
      'x-ratelimit-remaining': String(Math.max(hourlyLimit - rateWindow.used, 0)),
      'x-ratelimit-reset': String(Math.ceil(rateWindow.resetMs / 1000)),
      'x-ratelimit-used': String(rateWindow.used),
      'x-ratelimit-resource': 'core',
    };
  };

  /** The fault this request draws, if any: server errors, then 403 rate limits, then 429s. */
  const injectedFault = (): Reply | undefined => {
    const { faults } = simulator;
    if (faults.errorCount > 0 || Math.random() < faults.errorRate) {
      faults.errorCount = Math.max(faults.errorCount - 1, 0);
      stats.faultsInjected.serverErrors += 1;
      return Math.random() < 0.5
        ? failure(500, 'Server Error')
        : { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
    }
    const limit = faults.rateLimit;
    if (limit && limit.count > 0) {
      limit.count -= 1;
      stats.faultsInjected.rateLimited += 1;
      if (limit.kind === 'secondary') {
        return { ...failure(403, secondaryMessage), headers: { 'retry-after': String(limit.retryAfterSeconds) } };
      }
      const reset = Math.ceil(Date.now() / 1000) + limit.retryAfterSeconds;
      return {
        ...failure(403, 'API rate limit exceeded for user ID 1.'),
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': String(hourlyLimit),
          'x-ratelimit-reset': String(reset),
        },
      };
    }
    if (faults.status429Count > 0) {
      faults.status429Count -= 1;
      stats.faultsInjected.tooManyRequests += 1;
      return {
        ...failure(429, secondaryMessage),
        headers: { 'retry-after': String(faults.status429RetryAfterSeconds) },
      };
    }
    return undefined;
  };

  const answerApi = async (req: IncomingMessage, res: ServerResponse, url: URL, body: unknown): Promise<void> => {
    const match = routes
      .map((route) => ({ route, found: route.method === req.method ? route.pattern.exec(url.pathname) : null }))
      .find(({ found }) => found !== null);
    const params = { ...match?.found?.groups };
    const key = `${req.method} ${match ? match.route.template(params) : url.pathname}`;
    stats.calls[key] = (stats.calls[key] ?? 0) + 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    res.on('close', () => {
      stats.inFlight -= 1;
    });
    if (simulator.faults.latencyMs > 0) await sleep(simulator.faults.latencyMs, undefined, { signal: closing.signal });
    if (Math.random() < simulator.faults.dropRate) {
      stats.faultsInjected.dropped += 1;
      req.socket.destroy();
      return;
    }
    const headers = rateLimitHeaders();
    const reply = injectedFault() ?? dispatch(req, match?.route, { params, url, body });
    send(res, { ...reply, headers: { ...headers, ...reply.headers } });
  };

  const dispatch = (req: IncomingMessage, matched: Route | undefined, context: Context): Reply => {
    if (!matched) return failure(404, 'Not Found');
    const problem = authProblem(req, matched.auth);
    if (problem) return failure(401, problem);
    try {
      return matched.handle(context);
    } catch (err) {
      if (err instanceof Refusal) return err.reply;
      throw err;
    }
  };

  // --- lifecycle helpers and control endpoints ---------------------------------------------------------

  const lifecycle = {
    bootRunner(encodedJitConfig: string): SimulatedRunner {
      const secret = secretOf(encodedJitConfig);
      const issued = secret === undefined ? undefined : jitConfigs.get(secret);
      if (!issued) throw new Error('not a JIT config issued by this simulator');
      if (issued.used) throw new Error('this JIT config was used already');
      const runner = allRunners().find((candidate) => candidate.id === issued.runnerId);
      if (!runner) throw new Error('the registration of this JIT config was deleted');
      issued.used = true;
      runner.status = 'online';
      runner.os = 'Linux';
      return snapshot(runner);
    },
    assignJob(runnerName: string): SimulatedRunner {
      const runner = runnerNamed(runnerName);
      if (runner.status !== 'online' || runner.busy) throw new Error(`runner "${runnerName}" is not online and idle`);
      runner.busy = true;
      return snapshot(runner);
    },
    finishJob(runnerName: string): void {
      const runner = runnerNamed(runnerName);
      if (!runner.busy) throw new Error(`runner "${runnerName}" has no job`);
      runner.scope.runners.delete(runner.id);
    },
    addRunner({
      name,
      labels = [],
      status = 'online',
      busy = false,
      scope,
    }: Parameters<GitHubSimulator['addRunner']>[0]): SimulatedRunner {
      const key = !scope ? `orgs/${org}` : 'org' in scope ? `orgs/${scope.org}` : `repos/${scope.owner}/${scope.repo}`;
      const target = scopes.get(key.toLowerCase());
      if (!target) throw new Error(`the simulator does not serve ${key}`);
      const runner = register(target, name, labels, 1);
      Object.assign(runner, { status, busy: busy && status === 'online', os: 'Linux' });
      return snapshot(runner);
    },
    runners: () => allRunners().map(snapshot),
  };

  const control = (method: string | undefined, path: string, body: unknown): Reply => {
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const job = /^\/control\/runners\/([^/]+)\/job$/.exec(path);
    try {
      if (path === '/control/faults' && method === 'GET') return { status: 200, body: simulator.faults };
      if (path === '/control/faults' && method === 'PUT') {
        const unknown = Object.keys(input).filter((key) => !(key in defaultFaults()) && key !== 'rateLimit');
        if (unknown.length > 0) return failure(422, `unknown faults: ${unknown.join(', ')}`);
        Object.assign(simulator.faults, input);
        return { status: 200, body: simulator.faults };
      }
      if (path === '/control/stats' && method === 'GET') return { status: 200, body: stats };
      if (path === '/control/runners' && method === 'GET') return { status: 200, body: lifecycle.runners() };
      if (path === '/control/runners/boot' && method === 'POST') {
        return { status: 200, body: lifecycle.bootRunner(String(input.encoded_jit_config)) };
      }
      if (job && method === 'POST') return { status: 200, body: lifecycle.assignJob(decodeURIComponent(job[1])) };
      if (job && method === 'DELETE') {
        lifecycle.finishJob(decodeURIComponent(job[1]));
        return { status: 204 };
      }
      return failure(404, 'Not Found');
    } catch (err) {
      return failure(409, err instanceof Error ? err.message : String(err));
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', baseUrl);
      const text = await readBody(req);
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        send(res, failure(400, 'Problems parsing JSON'));
        return;
      }
      if (url.pathname.startsWith('/control/')) send(res, control(req.method, url.pathname, body));
      else await answerApi(req, res, url, body);
    })().catch(() => {
      if (!res.headersSent && !closing.signal.aborted) send(res, failure(500, 'Server Error'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;

  return Object.assign(simulator, lifecycle, {
    url: baseUrl,
    token,
    org,
    stats,
    resetFaults: () => {
      simulator.faults = defaultFaults();
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { 'x-github-request-id': randomRequestId(), ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
  } else if (typeof reply.body === 'string') {
    res.writeHead(reply.status, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(reply.body);
  } else {
    res.writeHead(reply.status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(reply.body));
  }
}

function randomRequestId(): string {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase();
  return `${hex(2)}:${hex(3)}:${hex(4)}:${hex(4)}:${hex(4)}`;
}

if (require.main === module) {
  void startGitHubSimulator({
    port: Number(process.env.GITHUB_SIMULATOR_PORT ?? 0),
    token: process.env.GITHUB_SIMULATOR_TOKEN,
  }).then((simulator) => {
    console.log(`GitHub simulator: ${simulator.url} (organisation ${simulator.org})`);
    console.log(`PAT: ${simulator.token}`);
    const stop = () => void simulator.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
