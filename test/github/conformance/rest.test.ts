import { createGitHubRunnerClient } from '../../../activities/github/client';
import { connectGitHub } from '../../../activities/github/connection';
import { createJobChecker } from '../../../activities/github/jobs';
import { runnerLabels } from '../../../policy/runner-labels';
import { startGitHubSimulator, type GitHubSimulator } from '../../../simulators/github';
import { appKeyPair } from '../harness';
import { clientRoutes } from './client-routes';
import { OpenApiConformance, type Description, type Exchange } from './openapi';
import { recordingFetch } from './recording';

/**
 * Every route the GitHub client calls, through the real client against the simulator, each exchange
 * checked against GitHub's published OpenAPI description: of api.github.com, and of GitHub Enterprise
 * Server 3.17 (the oldest release @octokit/openapi describes, served under /api/v3). The scenarios cover
 * the answers the client handles: success, pages, 404, 409, 422, and rate-limit refusals.
 */
const routes = clientRoutes();

describe.each<[Description, string]>([
  ['api.github.com', ''],
  ['ghes-3.17', '/api/v3'],
])('%s', (description, pathPrefix) => {
  const keys = appKeyPair();
  const exchanges: Exchange[] = [];
  let conformance: OpenApiConformance;
  let sim: GitHubSimulator;

  beforeAll(async () => {
    conformance = new OpenApiConformance(description, pathPrefix);
    // 150 groups and 120 runners: both lists take two pages.
    const runnerGroups = Array.from({ length: 150 }, (_, i) => ({ id: 10 + i, name: `team-${i}` }));
    runnerGroups[120].name = 'builders';
    sim = await startGitHubSimulator({
      pathPrefix: pathPrefix || undefined,
      repo: { owner: 'acme', repo: 'widgets' },
      app: { appId: 4242, installationId: 99, publicKeyPem: keys.publicKey },
      runnerGroups,
    });
    for (let i = 0; i < 120; i += 1) sim.addRunner({ name: `hand-${i}`, labels: ['hand'] });
    await runScenarios(sim, recordingFetch(exchanges), keys.privateKey);
  });
  afterAll(() => sim?.close());

  test('the client’s routes are all in the description, and the scenarios called every one', () => {
    expect(routes.length).toBeGreaterThanOrEqual(9);
    for (const route of routes) expect(conformance.has(route)).toBe(true);
    const called = new Set(exchanges.map((exchange) => conformance.check(exchange).route));
    expect([...called].sort()).toEqual(routes);
  });

  test('every request and answer conforms: path, query, body; status, body, Link, x-ratelimit-*, retry-after', () => {
    const verdicts = exchanges.map((exchange) => ({
      exchange: `${exchange.method} ${exchange.url} → ${exchange.status}`,
      ...conformance.check(exchange),
    }));
    expect(verdicts.filter((verdict) => verdict.problems.length > 0)).toEqual([]);
    // What the scenarios were for: each kind of answer was seen.
    const statuses = new Set(exchanges.map((exchange) => exchange.status));
    expect([...statuses].sort()).toEqual([200, 201, 204, 403, 404, 409, 422, 429]);
    expect(exchanges.some((exchange) => exchange.headers.link)).toBe(true);
    expect(exchanges.some((exchange) => exchange.headers['retry-after'])).toBe(true);
  });

  describe('a broken exchange is caught', () => {
    const listRoute = 'GET /orgs/{org}/actions/runners';
    const jitRoute = 'POST /orgs/{org}/actions/runners/generate-jitconfig';
    const deleteRoute = 'DELETE /orgs/{org}/actions/runners/{runner_id}';
    const jobRoute = 'GET /repos/{owner}/{repo}/actions/jobs/{job_id}';
    /** A recorded exchange of this route and status, to break. */
    const recorded = (route: string, status: number): Exchange => {
      const found = exchanges.find(
        (exchange) => conformance.check(exchange).route === route && exchange.status === status,
      );
      if (!found) throw new Error(`no ${route} → ${status} was recorded`);
      return found;
    };
    type Body = Record<string, unknown>;
    const response = (exchange: Exchange, edit: (body: Body) => void): Exchange => {
      const body = JSON.parse(exchange.responseBody) as Body;
      edit(body);
      return { ...exchange, responseBody: JSON.stringify(body) };
    };
    const headers = (exchange: Exchange, edit: (headers: Record<string, string>) => void): Exchange => {
      const copy = { ...exchange.headers };
      edit(copy);
      return { ...exchange, headers: copy };
    };

    test.each<[string, () => Exchange, RegExp]>([
      [
        'a runner without busy',
        () => response(recorded(listRoute, 200), (body) => delete (body.runners as Body[])[0].busy),
        /runners\/0 must have required property 'busy'/,
      ],
      [
        'a runner id as text',
        () => response(recorded(jitRoute, 201), (body) => ((body.runner as Body).id = '7')),
        /runner\/id must be integer/,
      ],
      [
        'a registration asking for no label',
        () => {
          const exchange = recorded(jitRoute, 201);
          return {
            ...exchange,
            requestBody: JSON.stringify({ ...JSON.parse(exchange.requestBody ?? ''), labels: [] }),
          };
        },
        /request body\/labels must NOT have fewer than 1 items/,
      ],
      [
        'a query parameter the operation does not take',
        () => ({ ...recorded(listRoute, 200), url: `${recorded(listRoute, 200).url}&status=idle` }),
        /query parameter status/,
      ],
      [
        'a path no operation has',
        () => ({ ...recorded(listRoute, 200), url: recorded(listRoute, 200).url.replace('/runners', '/runnerz') }),
        /no operation/,
      ],
      [
        'a Link header out of shape',
        () => headers(recorded(listRoute, 200), (h) => (h.link = '</next>; rel=next')),
        /Link is not RFC 8288/,
      ],
      [
        'an x-ratelimit-remaining that is no number',
        () => headers(recorded(listRoute, 200), (h) => (h['x-ratelimit-remaining'] = 'plenty')),
        /x-ratelimit-remaining: plenty/,
      ],
      [
        'no x-ratelimit-reset',
        () => headers(recorded(listRoute, 200), (h) => delete h['x-ratelimit-reset']),
        /x-ratelimit-reset is missing/,
      ],
      [
        'a retry-after that is a date',
        () => headers(recorded(listRoute, 403), (h) => (h['retry-after'] = 'Wed, 21 Oct 2015 07:28:00 GMT')),
        /retry-after/,
      ],
      [
        'a Link header on an operation that does not paginate',
        () => headers(recorded(deleteRoute, 204), (h) => (h.link = '<https://api.github.com/x?page=2>; rel="next"')),
        /does not paginate/,
      ],
      [
        'a job conclusion GitHub does not have (null is one it has)',
        () => response(recorded(jobRoute, 200), (body) => (body.conclusion = 'maybe')),
        /conclusion must be equal to one of the allowed values/,
      ],
      [
        'a status the operation never answers',
        () => ({ ...recorded(deleteRoute, 204), status: 200 }),
        /status 200 is not one/,
      ],
      ['a body on a 204', () => ({ ...recorded(deleteRoute, 204), responseBody: '{}' }), /has no body/],
      [
        'an error body that is not GitHub’s',
        () => ({ ...recorded(jitRoute, 409), responseBody: '{"message": 409}' }),
        /message must be string/,
      ],
    ])('%s', (_case, broken, expected) => {
      expect(conformance.check(broken()).problems.join('\n')).toMatch(expected);
    });
  });
});

/** The client's calls, each answer it handles at least once. */
async function runScenarios(sim: GitHubSimulator, fetch: typeof globalThis.fetch, privateKey: string): Promise<void> {
  const common = { baseUrl: sim.url, request: { fetch }, log: { warn: () => undefined } };
  const pat = { kind: 'token' as const, token: sim.token };
  const org = createGitHubRunnerClient({ ...common, auth: pat, scope: { org: 'acme' } });
  const repo = createGitHubRunnerClient({ ...common, auth: pat, scope: { owner: 'acme', repo: 'widgets' } });
  const app = createGitHubRunnerClient({
    ...common,
    auth: { kind: 'app', appId: 4242, installationId: 99, privateKey },
    scope: { org: 'acme' },
  });
  const labels = runnerLabels(['conformance'], 'x64');
  const settle = (promise: Promise<unknown>) => promise.catch(() => undefined);

  // Registrations: in a named group (two pages of groups), a name taken (409), the repository's.
  const registered = await org.generateJitConfig({ name: 'conf-1', labels, runnerGroup: 'builders' });
  await settle(org.generateJitConfig({ name: 'conf-1', labels }));
  await repo.generateJitConfig({ name: 'conf-repo', labels, workFolder: '_work' });
  // Lists: every page, and by name.
  await org.listRunners();
  await org.findRunner('conf-1');
  await repo.listRunners();
  // Deletes: done (204), gone (404), busy (422), the repository's.
  await org.deleteRunner(registered.runnerId);
  await org.deleteRunner(registered.runnerId);
  const busy = await org.generateJitConfig({ name: 'conf-busy', labels });
  sim.bootRunner(busy.encodedJitConfig);
  sim.assignJob('conf-busy');
  await org.deleteRunner(busy.runnerId);
  const [repoRunner] = await repo.listRunners((name) => name === 'conf-repo');
  await repo.deleteRunner(repoRunner.id);
  // Rate-limit refusals, waited out: a secondary 403 with retry-after, and a 429.
  sim.faults.rateLimit = { kind: 'secondary', count: 1, retryAfterSeconds: 1 };
  await org.findRunner('conf-busy');
  sim.faults.status429Count = 1;
  await org.findRunner('conf-busy');
  // An App: its installation token, then a call with it.
  await app.findRunner('conf-busy');
  // The job checker: a job there is, and one there is not.
  const jobs = createJobChecker(connectGitHub({ ...common, auth: pat }));
  const { url } = sim.queueJob({ labels: ['nobody-has-this'] });
  await jobs.checkJob({ url });
  await jobs.checkJob({ url: url.replace(/\d+$/, '1') });
}
