import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { connectGitHub, type GitHubConnection } from '../../activities/github/client';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import { startGitHubSimulator } from '../../simulators/github';
import type { MetricsServer } from '../../worker/metrics/server';
import { sdkMetricsExporter } from '../../worker/metrics/sdk-exporter';
import { createWorkerMetrics } from '../../worker/metrics/worker-metrics';
import { startFlavor as startFlavorWorkflow } from '../../contracts/start-flavor';
import { connectTestEnv, uniqueName } from '../support/temporal';
import { WITHOUT_IDLE_CONFIRMATION } from '../support/idle-rule';
import { sample } from '../support/prometheus-text';
import { eventually } from '../support/wait';
import { startInstrumentedWorker, type InstrumentedWorker } from './support/instrumented-worker';

/**
 * The worker's metrics over a real scenario: a real worker on the test server runs two flavors with the
 * real activities, instrumented, against the simulators; /metrics is scraped over HTTP. The SDK's own
 * metrics and the wiring in worker/main.ts are the real process's (test/worker/shutdown.test.ts).
 */
let env: TestWorkflowEnvironment;
let cloud: SimulatedCloud;
let instrumented: InstrumentedWorker;
let worker: Worker;
let running: Promise<void>;
let server: MetricsServer;
const taskQueue = uniqueName('metrics');
/** A GitHub connection of the test's own: the worker's is inside buildActivities, out of reach. */
let probe: GitHubConnection;

beforeAll(async () => {
  // The SDK's exporter carries its runtime metrics, appended to /metrics as in the real worker.
  const sdk = await sdkMetricsExporter();
  env = await connectTestEnv({ metrics: sdk.telemetry });
  cloud = await startSimulatedCloud({ openstack: { bootDelayMs: 100 } });
  probe = connectGitHub({ auth: { kind: 'token', token: cloud.github.token }, baseUrl: cloud.github.url });
  const github = { api: 'simulator', read: () => probe.credentials };
  instrumented = await startInstrumentedWorker(env, cloud, { taskQueue, github, sdkScrape: sdk.scrape });
  ({ worker, running, server } = instrumented);
});

/** Workflows the tests leave to afterAll, which ends them after the worker. */
const ended: WorkflowHandle[] = [];

afterAll(async () => {
  await instrumented?.close();
  for (const handle of ended) await handle.terminate('test over').catch(() => undefined);
  await cloud?.close();
  await env?.teardown();
});

const scrape = () => instrumented.scrape();

const until = (what: string, accept: (text: string) => boolean) =>
  eventually(scrape, accept, { what, timeoutMs: 45_000, intervalMs: 200 });

const vm = { image: 'ubuntu-24.04', openstackFlavor: 'm1.small', network: 'runners-net' };

async function startFlavor(flavor: string, pressure: number) {
  cloud.planner.setPressure(flavor, pressure);
  const { handle } = await startFlavorWorkflow(env.client, {
    taskQueue,
    settings: {
      ...WITHOUT_IDLE_CONFIRMATION,
      ...vm,
      flavor,
      cleanupIntervalSeconds: 1,
      labels: ['self-hosted', flavor],
    },
  });
  return handle;
}

test('a scale-up observes its latency, the create included, and each new runner its boot time', async () => {
  const c = uniqueName('mc');
  const is = `{flavor="${c}"}`;
  // Nova takes 1.5 s to answer each create: the latency must hold it (observed before the answer, or at
  // the create's start, it would show about 0).
  cloud.openstack.setFaults({ latencyMs: 1500, service: 'compute', method: 'POST', route: '/servers' });
  const handle = await startFlavor(c, 0);
  try {
    await until('the first tick', (t) => sample(t, `last_cleanup_timestamp_seconds${is}`) !== undefined);
    expect(sample(await scrape(), `scale_up_latency_seconds_count${is}`)).toBeUndefined();
    cloud.planner.setPressure(c, 2);
    await until('two runners online', (t) => sample(t, `idle_runners_count${is}`) === 2);
    await until('both boots seen', (t) => sample(t, `runner_boot_seconds_count${is}`) === 2);

    const text = await scrape();
    expect(sample(text, `scale_up_latency_seconds_count${is}`)).toBe(1);
    expect(sample(text, `scale_up_latency_seconds_sum${is}`)).toBeGreaterThanOrEqual(1.5);
    expect(sample(text, `scale_up_latency_seconds_bucket{flavor="${c}",le="1"}`)).toBe(0);
    expect(sample(text, `runner_boot_seconds_bucket{flavor="${c}",le="+Inf"}`)).toBe(2);
    expect(sample(text, `expected_runners_count${is}`)).toBe(2);
    expect(sample(text, `cleanup_interval_seconds${is}`)).toBe(1);
    expect(sample(text, `fallback_active${is}`)).toBe(0);
  } finally {
    cloud.openstack.setFaults({});
    // Ended once the worker is down (afterAll): ending it under its running stream makes the SDK warn.
    ended.push(handle);
  }
});

test('a flavor stopped and drained leaves no gauge behind, and keeps its counters', async () => {
  const s = uniqueName('ms');
  const is = `{flavor="${s}"}`;
  // Static mode: no stream to end under the stopping workflow.
  const { handle } = await startFlavorWorkflow(env.client, {
    taskQueue,
    settings: {
      ...WITHOUT_IDLE_CONFIRMATION,
      ...vm,
      flavor: s,
      mode: 'static',
      minRunners: 1,
      cleanupIntervalSeconds: 1,
    },
  });
  await until('its runner online', (t) => sample(t, `idle_runners_count${is}`) === 1);
  expect(sample(await scrape(), `expected_runners_count${is}`)).toBe(1);

  await handle.cancel();
  await expect(handle.result()).rejects.toThrow();
  const after = await scrape();
  const gauges = ['expected_runners_count', 'fallback_active', 'cleanup_interval_seconds', 'idle_runners_count'];
  expect(gauges.filter((name) => sample(after, `${name}${is}`) !== undefined)).toEqual([]);
  expect(sample(after, `runners_count{flavor="${s}",state="idle"}`)).toBeUndefined();
  expect(sample(after, `created_runners_total${is}`)).toBe(1);
});

test('a scale-up, a busy runner, a scale-down and a finished job show per flavor; /health follows the worker', async () => {
  const a = uniqueName('ma');
  const b = uniqueName('mb');
  const handles = [await startFlavor(a, 3), await startFlavor(b, 2)];
  try {
    const is = (flavor: string) => `{flavor="${flavor}"}`;
    await until('three idle runners of a', (t) => sample(t, `idle_runners_count${is(a)}`) === 3);
    const busy = cloud.github.runners().find((r) => r.name.startsWith(`${a}-`) && r.status === 'online');
    cloud.assignJob(busy!.name);
    await until('a busy runner of a', (t) => sample(t, `busy_runners_count${is(a)}`) === 1);

    cloud.planner.setPressure(a, 1);
    await until('two idle runners of a deleted', (t) => sample(t, `deleted_runners_total${is(a)}`) === 2);
    cloud.finishJob(busy!.name);
    await until('the finished job cleaned up', (t) => {
      return sample(t, `cleanup_removed_total{flavor="${a}",reason="vm_without_registration"}`) === 1;
    });
    await until('a replacement created', (t) => sample(t, `created_runners_total${is(a)}`) === 4);

    const text = await scrape();
    expect({
      created: sample(text, `created_runners_total${is(a)}`),
      deletedVms: sample(text, `deleted_vms_total${is(a)}`),
      expected: sample(text, `expected_runners_count${is(a)}`),
      pressure: sample(text, `pressure${is(a)}`),
      pressureUpdates: sample(text, `pressure_updates_total${is(a)}`),
      connected: sample(text, `stream_connected${is(a)}`),
      createFailures: sample(text, `create_failures_total${is(a)}`),
    }).toEqual({
      created: 4,
      deletedVms: 3,
      expected: 1,
      pressure: 1,
      pressureUpdates: 2,
      connected: 1,
      createFailures: 0,
    });
    expect(sample(text, `reconcile_duration_seconds_count${is(a)}`)).toBeGreaterThan(0);
    expect(sample(text, `runners_count{flavor="${a}",state="idle"}`)).toBeDefined();

    // The other flavor keeps its own series.
    await until('b at 2', (t) => sample(t, `idle_runners_count${is(b)}`) === 2);
    const other = await scrape();
    expect(sample(other, `created_runners_total${is(b)}`)).toBe(2);
    expect(sample(other, `expected_runners_count${is(b)}`)).toBe(2);
    expect(sample(other, `deleted_runners_total${is(b)}`)).toBeUndefined();

    // The gauge reads the connection's last x-ratelimit-remaining: the worker's calls count in the same window.
    await probe.octokit.request('GET /orgs/{org}/actions/runners', { org: cloud.github.org });
    const { remaining } = probe.rateLimit;
    expect(remaining).toBeLessThan(5000 - 10);
    const { label } = probe.credentials[0];
    expect(sample(await scrape(), `github_api_rate_limit_remaining{api="simulator",credential="${label}"}`)).toBe(
      remaining,
    );

    const health = await fetch(`${server.url}/health`);
    expect({ status: health.status, body: await health.json() }).toEqual({ status: 200, body: { status: 'RUNNING' } });
  } finally {
    // Worker first: its streams end as a handover while their workflows still run, then the workflows go.
    worker.shutdown();
    await running;
    for (const handle of handles) await handle.terminate('test over').catch(() => undefined);
  }
  const stopped = await fetch(`${server.url}/health`);
  expect({ status: stopped.status, body: await stopped.json() }).toEqual({ status: 503, body: { status: 'STOPPED' } });
});

test('the gauge of the GitHub rate limit reports nothing until GitHub has answered', async () => {
  const metrics = createWorkerMetrics({
    github: { api: 'unused', read: () => [{ label: 'token:000000000000', rateLimit: {} }] },
  });
  expect(await metrics.registry.metrics()).not.toMatch(/^github_api_rate_limit_remaining\{/m);
});

test("each credential of a pool has series of its own, labelled by the App id or the token's hash prefix", async () => {
  const tokens = ['ghp_firstOfThePool00000000000000000000', 'ghp_secondOfThePool0000000000000000000'];
  const github = await startGitHubSimulator({ tokens: [{ token: tokens[0], hourlyLimit: 100 }, { token: tokens[1] }] });
  try {
    const pool = connectGitHub({ auth: tokens.map((token) => ({ kind: 'token', token })), baseUrl: github.url });
    // The first call goes to the first credential; the second's budget is unknown yet, so full: it gets the next.
    for (let i = 0; i < 2; i += 1) await pool.octokit.request('GET /orgs/{org}/actions/runners', { org: github.org });
    const metrics = createWorkerMetrics({ github: { api: 'simulator', read: () => pool.credentials } });
    const text = await metrics.registry.metrics();
    const [first, second] = pool.credentials.map(({ label }) => label);
    expect([first, second]).toEqual([expect.stringMatching(/^token:[0-9a-f]{12}$/), expect.not.stringMatching(first)]);
    const series = (name: string, label: string) => sample(text, `${name}{api="simulator",credential="${label}"}`);
    expect(series('github_api_rate_limit_limit', first)).toBe(100);
    expect(series('github_api_rate_limit_remaining', first)).toBe(99);
    expect(series('github_api_rate_limit_limit', second)).toBe(5000);
    for (const token of tokens) expect(text).not.toContain(token);
  } finally {
    await github.close();
  }
});
