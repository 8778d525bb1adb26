import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { credentialLabel } from '../../activities/github/credential-label';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import { flavorWorkflowId } from '../../contracts/flavor-workflow';
import { startFlavor } from '../../contracts/start-flavor';
import { freePort } from '../../worker/ports';
import { sample, samples } from '../support/prometheus-text';
import { connectTestEnv, uniqueName } from '../support/temporal';
import { eventually } from '../support/wait';
import { simulatedCloudSecrets, startWorkerProcess, type WorkerProcess } from '../worker/support/worker-process';
import {
  dashboardQueries,
  ignoringFlavor,
  missingFromScrape,
  readDashboard,
  ruleQueries,
} from './support/deploy-queries';

/**
 * Every metric the Grafana dashboard and the alert rules read is one a real worker serves: the worker
 * process (worker/main.ts --config, with its webhook intake) runs a planner-mode flavor and a reactive
 * one against the test's Temporal server and the simulators, through a scale-up, runners booting, a
 * busy runner whose job ends (a cleanup removal) and a webhook job picked up; its /metrics, scraped over
 * HTTP, must then hold every metric, and every label matched on, of each query.
 */
let env: TestWorkflowEnvironment;
let cloud: SimulatedCloud;
let worker: WorkerProcess;
let metricsUrl: string;
const taskQueue = uniqueName('deploy');
const planned = uniqueName('dp');
const reactive = uniqueName('dr');
const secret = 'deploy-test-webhook-secret';
const vm = { image: 'ubuntu-24.04', openstackFlavor: 'm1.small', network: 'runners-net' };
const queries = [...dashboardQueries(readDashboard()), ...ruleQueries()];
/** The scrape the first test ends on, for the planted checks after it. */
let scraped = '';

beforeAll(async () => {
  env = await connectTestEnv();
  cloud = await startSimulatedCloud({ openstack: { bootDelayMs: 300 } });
  const [metricsPort, intakePort] = [await freePort(), await freePort()];
  metricsUrl = `http://127.0.0.1:${metricsPort}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'deploy-metrics-'));
  const flavorsFile = path.join(dir, 'flavors.yaml');
  const reactiveSettings = { ...vm, mode: 'reactive', maxRunners: 2, labels: [reactive], cleanupIntervalSeconds: 2 };
  writeFileSync(flavorsFile, JSON.stringify({ flavors: { [reactive]: reactiveSettings } }));
  const configFile = path.join(dir, 'worker.yaml');
  writeFileSync(
    configFile,
    [
      `temporal: { address: "${env.address}", namespace: default, taskQueue: ${taskQueue} }`,
      `planner: { url: "${cloud.planner.url}" }`,
      `github: { apiUrl: "${cloud.github.url}", org: ${cloud.github.org} }`,
      `metrics: { host: 127.0.0.1, port: ${metricsPort} }`,
      `intake: { host: 127.0.0.1, port: ${intakePort}, flavorsFile: "${flavorsFile}" }`,
    ].join('\n'),
  );
  worker = startWorkerProcess(configFile, { ...simulatedCloudSecrets(cloud), GITHUB_WEBHOOK_SECRET: secret });
  await worker.ready();
  cloud.github.webhook = { url: `http://127.0.0.1:${intakePort}/webhook`, secret };
}, 120_000);

afterAll(async () => {
  worker?.signal('SIGKILL');
  for (const flavor of [planned, reactive]) {
    await env?.client.workflow
      .getHandle(flavorWorkflowId(flavor))
      .terminate('test over')
      .catch(() => undefined);
  }
  await cloud?.close();
  await env?.teardown();
});

const scrape = async () => (await fetch(`${metricsUrl}/metrics`)).text();
/** Waits for the scrape to pass `accept`; a timeout names what was awaited, not the whole scrape. */
const until = (what: string, accept: (text: string) => boolean) =>
  eventually(async () => accept(await scrape()), Boolean, { what, timeoutMs: 60_000, intervalMs: 250 });

test('a real worker serves every metric and label the dashboard and the alert rules read', async () => {
  const is = (flavor: string) => `{flavor="${flavor}"}`;
  cloud.planner.setPressure(planned, 0);
  const settings = { ...vm, flavor: planned, cleanupIntervalSeconds: 1, labels: [planned] };
  await startFlavor(env.client, { taskQueue, settings });
  await until('the first tick', (t) => sample(t, `last_cleanup_timestamp_seconds${is(planned)}`) !== undefined);
  cloud.planner.setPressure(planned, 2);
  await until('two runners booted', (t) => sample(t, `runner_boot_seconds_count${is(planned)}`) === 2);

  // A runner takes a job, which ends: the ephemeral runner deregisters and a tick removes its VM.
  const runner = cloud.github.runners().find((r) => r.name.startsWith(`${planned}-`) && r.status === 'online')!;
  cloud.assignJob(runner.name);
  await until('a busy runner', (t) => sample(t, `busy_runners_count${is(planned)}`) === 1);
  cloud.finishJob(runner.name);
  await until('a cleanup removal', (t) => (sample(t, `cleanup_removed_total${removed(planned)}`) ?? 0) > 0);

  // A webhook job for the reactive flavor: the intake enqueues it, a runner is made and takes it.
  cloud.queueJob({ labels: ['self-hosted', reactive] });
  await until('a job wait', (t) => sample(t, `job_wait_seconds_count${is(reactive)}`) === 1);

  // The check itself; a miss lists each query's missing names, after a little time for late series.
  const missing = async () => missingFromScrape(queries, (scraped = await scrape()));
  await eventually(missing, (problems) => problems.length === 0, { what: 'no name missing', timeoutMs: 10_000 });
  expect(missingFromScrape(queries, scraped)).toEqual([]);
  expect(queries.length).toBeGreaterThan(30);
}, 180_000);

test('the rate-limit gauges name the credential by a non-secret label, never by its token', () => {
  expect(scraped).not.toBe('');
  const credentials = samples(scraped)
    .filter(({ name }) => name.startsWith('github_api_rate_limit_'))
    .map(({ labels }) => labels.find((label) => label.startsWith('credential=')));
  const label = credentialLabel({ kind: 'token', token: cloud.github.token });
  expect(label).toMatch(/^token:[0-9a-f]{12}$/);
  expect(credentials).toEqual([`credential="${label}"`, `credential="${label}"`]);
  expect(scraped).not.toContain(cloud.github.token);
});

const removed = (flavor: string) => `{flavor="${flavor}",reason="vm_without_registration"}`;

test('a planted unknown metric, or a label no series has, is reported where it is', () => {
  expect(scraped).not.toBe('');
  const planted = [
    { where: 'panel "planted"', expr: 'sum by (flavor) (rate(runner_creates_totl{flavor=~".*"}[5m]))' },
    { where: 'alert Planted', expr: 'max by (flavor) (pressure{flavour="small"}) > 0' },
  ];
  expect(missingFromScrape([...queries, ...planted], scraped)).toEqual([
    'panel "planted": runner_creates_totl is not in /metrics',
    'alert Planted: pressure has no label flavour',
  ]);
});

test('every dashboard query of a per-flavor metric follows the flavor variable', () => {
  expect(ignoringFlavor(readDashboard(), scraped)).toEqual([]);
  const dashboard = readDashboard();
  const panel = {
    type: 'timeseries',
    title: 'planted',
    targets: [{ expr: 'max(pressure) + max(pressure{flavor=~"$flavor"})' }],
  };
  expect(ignoringFlavor({ ...dashboard, panels: [panel] }, scraped)).toEqual(['panel "planted": pressure']);
});

test('functions, aggregations, keywords and grouping labels are not taken for metrics; bad PromQL throws', () => {
  const expr =
    'histogram_quantile(0.9, sum by (le, flavor) (rate(nowhere_bucket[5m]))) > on (flavor) group_left ' +
    'max by (flavor) (vector(1) unless absent(up offset 5m)) and time() - 3 * scalar(bool_metric)';
  expect(missingFromScrape([{ where: 'here', expr }], '')).toEqual([
    'here: nowhere_bucket is not in /metrics',
    'here: bool_metric is not in /metrics',
  ]);
  expect(() => missingFromScrape([{ where: 'here', expr: 'rate(pressure[5m]' }], '')).toThrow(/syntax error/);
});
