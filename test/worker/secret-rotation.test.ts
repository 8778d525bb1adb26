import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { createGitHubRunnerClient, type GitHubRunnerClient } from '../../activities/github/client';
import { PlannerClient } from '../../activities/planner/client';
import { createRedactor } from '../../activities/redact';
import { startGitHubSimulator, type GitHubSimulator } from '../../simulators/github';
import { startPlannerSimulator, type PlannerSimulator } from '../../simulators/planner';
import { connectWorkerGitHub, plannerOptions } from '../../worker/activities';
import { loadWorkerConfig, type WorkerConfig } from '../../worker/config/load';
import { secretRedactor, secretsStatus, workerSecrets, type WorkerSecrets } from '../../worker/config/worker-secrets';
import { startJobIntake, type JobIntake } from '../../worker/intake';
import { JsonLogger } from '../../worker/logging/json-logger';
import { secretsOf } from '../../worker/logging/secrets';
import { startMetricsServer, type MetricsServer } from '../../worker/metrics/server';
import { flavorWorkflowId } from '../../contracts/flavor-workflow';
import { appKeyPair } from '../github/harness';
import { connectTestEnv, uniqueName } from '../support/temporal';

/**
 * Rotated secret files, used without a restart by the real clients against the simulators: the GitHub
 * token at the next request, the App key at the next token it mints, the webhook secret at the next
 * delivery, the planner token by its function; /health shows when each reading in use was made, and
 * neither /health nor the logs hold a value. Each simulator knows only the new secret, as GitHub and the
 * planner do once the old one is revoked.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'secret-rotation-'));
const file = (name: string) => path.join(dir, name);
const write = (name: string, text: string) => writeFileSync(file(name), `${text}\n`);

const revokedToken = 'ghp_revokedBeforeTheRotation0000000000';
const oldWebhookSecret = 'webhook-secret-before-rotation';
const newWebhookSecret = 'webhook-secret-after-rotation';
const reactiveLabel = uniqueName('rotated');
const reactiveFlavor = uniqueName('rotation');
const app = { appId: 4711, installationId: 77 };
const oldKey = appKeyPair();
const newKey = appKeyPair();

let env: TestWorkflowEnvironment;
let github: GitHubSimulator;
let githubApp: GitHubSimulator;
let planner: PlannerSimulator;
let health: MetricsServer;
let intake: JobIntake;
let config: WorkerConfig;
let secrets: WorkerSecrets;
let registry: GitHubRunnerClient;
const logLines: string[] = [];
let clock = Date.parse('2026-03-04T05:06:07.000Z');
/** A second per reading: readAt tells the readings apart without waiting. */
const now = () => new Date((clock += 1000));

const openstackEnv = {
  OS_AUTH_URL: 'https://keystone.example/v3',
  OS_USERNAME: 'autoscaler',
  OS_PASSWORD: 'os-secret-password',
  OS_PROJECT_NAME: 'runners',
  OS_USER_DOMAIN_NAME: 'Default',
  OS_PROJECT_DOMAIN_NAME: 'Default',
};

function loadConfig(github: string): WorkerConfig {
  const yaml = file(`worker-${uniqueName('c')}.yaml`);
  writeFileSync(
    yaml,
    [
      `planner: { url: "${planner.url}", tokenFile: ${file('planner-token')} }`,
      github,
      `intake: { secretFile: ${file('webhook-secret')}, flavorsFile: ${file('flavors.yaml')} }`,
    ].join('\n'),
  );
  return loadWorkerConfig({ env: openstackEnv, path: yaml });
}

const healthBody = async () => (await fetch(`${health.url}/health`)).text();
const readAtOf = async (name: string): Promise<string | undefined> =>
  (JSON.parse(await healthBody()).secrets[name] as { readAt?: string }).readAt;

beforeAll(async () => {
  env = await connectTestEnv();
  planner = await startPlannerSimulator({ token: 'planner-token-after-rotation', resendIntervalMs: 60_000 });
  github = await startGitHubSimulator({ jobPickup: 'manual' });
  githubApp = await startGitHubSimulator({ app: { ...app, publicKeyPem: newKey.publicKey } });
  write('planner-token', 'planner-token-before-rotation');
  write('github-token', revokedToken);
  write('webhook-secret', oldWebhookSecret);
  write('flavors.yaml', `flavors:\n  ${reactiveFlavor}: { mode: reactive, labels: [${reactiveLabel}], maxRunners: 2 }`);
  config = loadConfig(`github: { apiUrl: "${github.url}", org: ${github.org}, tokenFile: ${file('github-token')} }`);
  secrets = workerSecrets(config, now);
  registry = createGitHubRunnerClient({ connection: connectWorkerGitHub(config, secrets), scope: config.github.scope });
  const logger = new JsonLogger({
    write: (line) => logLines.push(line),
    redact: secretRedactor(secretsOf(config), secrets),
  });
  health = await startMetricsServer({
    host: '127.0.0.1',
    port: 0,
    registry: new Registry(),
    workerState: () => 'RUNNING',
    secrets: () => secretsStatus(secrets),
  });
  const webhook = secrets.webhook!;
  intake = await startJobIntake({
    port: 0,
    host: '127.0.0.1',
    secret: () => webhook.read().value,
    flavors: config.intake!.flavors,
    client: env.client,
    taskQueue: uniqueName('rotation'),
    log: logger,
  });
});

afterAll(async () => {
  await env?.client.workflow
    .getHandle(flavorWorkflowId(reactiveFlavor))
    .terminate('test over')
    .catch(() => undefined);
  await intake?.close();
  await health?.close();
  await Promise.all([github?.close(), githubApp?.close(), planner?.close()]);
  await env?.teardown();
});

test('a rotated GitHub token file is used by the next request, and /health shows the new reading', async () => {
  await expect(registry.listRunners()).rejects.toMatchObject({ name: 'GitHubApiError', status: 401 });
  const before = await readAtOf('github');
  expect(before).toEqual(expect.any(String));

  write('github-token', github.token);
  const { runnerId } = await registry.generateJitConfig({ name: uniqueName('rotated'), labels: ['linux'] });
  expect(github.runners().map((runner) => runner.id)).toContain(runnerId);
  const after = await readAtOf('github');
  expect(after! > before!).toBe(true);
  // Unchanged since: the next request reads nothing new.
  await registry.listRunners();
  expect(await readAtOf('github')).toBe(after);
});

test('a rotated App key mints the next installation token, without a restart', async () => {
  write('app-key.pem', oldKey.privateKey);
  const appConfig = loadConfig(
    [
      `github: { apiUrl: "${githubApp.url}", org: ${githubApp.org},`,
      `  app: { appId: ${app.appId}, installationId: ${app.installationId}, privateKeyFile: ${file('app-key.pem')} } }`,
    ].join('\n'),
  );
  const appSecrets = workerSecrets(appConfig, now);
  const client = createGitHubRunnerClient({
    connection: connectWorkerGitHub(appConfig, appSecrets),
    scope: appConfig.github.scope,
  });
  await expect(client.listRunners()).rejects.toMatchObject({ status: 401, message: /access_tokens/ });
  expect(githubApp.stats.installationTokensIssued).toBe(0);

  write('app-key.pem', newKey.privateKey);
  await client.listRunners();
  await client.listRunners();
  expect(githubApp.stats.installationTokensIssued).toBe(1);
  expect(secretsStatus(appSecrets).github).toEqual({ source: 'file', readAt: expect.any(String) });
});

test("a pool's token files: each credential read from its own, both spent, /health naming each", async () => {
  const tokens = ['ghp_firstOfThePool00000000000000000000', 'ghp_secondOfThePool0000000000000000000'];
  const pooled = await startGitHubSimulator({ tokens: tokens.map((token) => ({ token })) });
  try {
    tokens.forEach((token, index) => write(`pool-token-${index}`, token));
    const entries = tokens.map((_token, index) => `{ tokenFile: ${file(`pool-token-${index}`)} }`);
    const poolConfig = loadConfig(
      `github: { apiUrl: "${pooled.url}", org: ${pooled.org}, credentials: [${entries.join(', ')}] }`,
    );
    const poolSecrets = workerSecrets(poolConfig, now);
    const connection = connectWorkerGitHub(poolConfig, poolSecrets);
    const client = createGitHubRunnerClient({ connection, scope: poolConfig.github.scope });
    for (let i = 0; i < 4; i += 1) await client.listRunners();
    // The first call goes to the first credential; the second's budget is unknown yet, so full: it gets the next.
    expect(pooled.stats.callsByCredential).toEqual({ 'pat 2': expect.any(Number), 'pat 3': expect.any(Number) });
    const status = secretsStatus(poolSecrets);
    expect(Object.keys(status)).toEqual(['planner', 'github.credentials.0', 'github.credentials.1', 'webhook']);
    expect(status['github.credentials.1']).toEqual({ source: 'file', readAt: expect.any(String) });
    expect(connection.credentials.map(({ label }) => label)).toEqual([
      expect.stringMatching(/^token:[0-9a-f]{12}$/),
      expect.stringMatching(/^token:[0-9a-f]{12}$/),
    ]);
    expect(secretsOf(poolConfig)).toEqual(expect.arrayContaining(tokens));
  } finally {
    await pooled.close();
  }
});

test('a rotated webhook secret verifies the next delivery; the old one no longer does; a gone one is a 503', async () => {
  const post = (secret: string) => {
    const delivery = github.workflowJobDelivery(github.queueJob({ labels: ['self-hosted', reactiveLabel] }).id, secret);
    return fetch(intake.url, { method: 'POST', headers: delivery.headers, body: delivery.body });
  };
  expect((await post(oldWebhookSecret)).status).toBe(202);
  const before = await readAtOf('webhook');

  write('webhook-secret', newWebhookSecret);
  expect((await post(newWebhookSecret)).status).toBe(202);
  expect((await post(oldWebhookSecret)).status).toBe(401);
  expect((await readAtOf('webhook'))! > before!).toBe(true);

  writeFileSync(file('webhook-secret'), '');
  const refused = await post(newWebhookSecret);
  expect({ status: refused.status, body: await refused.json() }).toEqual({
    status: 503,
    body: { error: 'the webhook secret cannot be read; redeliver later' },
  });
  expect(JSON.parse(await healthBody()).secrets.webhook).toMatchObject({
    error: `intake.secretFile: file ${file('webhook-secret')} is empty`,
  });
  expect(logLines.join('\n')).toContain(`intake.secretFile: file ${file('webhook-secret')} is empty`);

  write('webhook-secret', newWebhookSecret);
  expect((await post(newWebhookSecret)).status).toBe(202);
});

test('the planner token function reads the rotated file; a client made with it connects with the new token', async () => {
  const source = secrets.planner!;
  const options = plannerOptions(config.planner!.url, source);
  const flavor = uniqueName('planned');
  planner.setPressure(flavor, 3);
  const firstPressure = (client: PlannerClient) => {
    const abort = new AbortController();
    return new Promise<number>((resolve, reject) => {
      const stream = client.streamPressure(flavor, {
        signal: abort.signal,
        stallTimeoutMs: 10_000,
        onPressure: (pressure) => {
          resolve(pressure);
          abort.abort();
        },
      });
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the stream's own rejection, passed on as it is
      stream.catch((err: unknown) => (abort.signal.aborted ? undefined : reject(err)));
    });
  };
  await expect(firstPressure(new PlannerClient(options))).rejects.toMatchObject({ kind: 'unauthorized' });
  const before = source.status().readAt;

  write('planner-token', 'planner-token-after-rotation');
  expect(await firstPressure(new PlannerClient(options))).toBe(3);
  expect(source.status().readAt! > before!).toBe(true);
  expect(await readAtOf('planner')).toBe(source.status().readAt);
});

test('no secret value in /health or in the log lines, a rotated one included', async () => {
  const values = [
    revokedToken,
    github.token,
    oldWebhookSecret,
    newWebhookSecret,
    'planner-token-before-rotation',
    'planner-token-after-rotation',
  ];
  const body = await healthBody();
  expect(Object.keys(JSON.parse(body).secrets).sort()).toEqual(['github', 'planner', 'webhook']);
  for (const value of values) expect(body).not.toContain(value);

  // A value read after start is redacted too; the redactor of the values at start alone would let it through.
  const echo = `the sender signed with ${newWebhookSecret}`;
  expect(createRedactor(secretsOf(config))(echo)).toContain(newWebhookSecret);
  new JsonLogger({ write: (line) => logLines.push(line), redact: secretRedactor(secretsOf(config), secrets) }).warn(
    echo,
  );
  expect(logLines.at(-1)).toContain('the sender signed with [redacted]');
  for (const value of values) expect(logLines.join('\n')).not.toContain(value);
});
