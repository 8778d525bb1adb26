import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import { startFlavor } from '../../contracts/start-flavor';
import { connectTestEnv, uniqueName } from '../support/temporal';
import { sample } from '../support/prometheus-text';
import { eventually } from '../support/wait';
import { startInstrumentedWorker, type InstrumentedWorker } from './support/instrumented-worker';

/**
 * A worker that takes a flavor over (the first one stopped) replays its history: the flavor's gauges
 * reach its /metrics from that replay, with nothing changed since, and the latencies the first worker
 * observed are not observed again.
 */
let env: TestWorkflowEnvironment;
let cloud: SimulatedCloud;
const workers: InstrumentedWorker[] = [];
const taskQueue = uniqueName('takeover');
const flavor = uniqueName('tk');
const is = `{flavor="${flavor}"}`;

beforeAll(async () => {
  env = await connectTestEnv();
  cloud = await startSimulatedCloud({ openstack: { bootDelayMs: 100 } });
});

afterAll(async () => {
  for (const worker of workers) await worker.close();
  await env?.client.workflow
    .getHandle(`flavor-${flavor}`)
    .terminate('test over')
    .catch(() => undefined);
  await cloud?.close();
  await env?.teardown();
});

async function startWorker(): Promise<InstrumentedWorker> {
  const worker = await startInstrumentedWorker(env, cloud, { taskQueue });
  workers.push(worker);
  return worker;
}

const until = (worker: InstrumentedWorker, what: string, accept: (text: string) => boolean) =>
  eventually(() => worker.scrape(), accept, { what, timeoutMs: 45_000, intervalMs: 200 });

test('the next worker shows the gauges from its replay and counts no latency twice', async () => {
  const first = await startWorker();
  cloud.planner.setPressure(flavor, 2);
  // One tick an hour: after the first, nothing the gauges show changes again.
  const settings = { flavor, cleanupIntervalSeconds: 3600, image: 'ubuntu-24.04', openstackFlavor: 'm1.small' };
  await startFlavor(env.client, { taskQueue, settings: { ...settings, network: 'runners-net' } });
  const seen = await until(first, 'a scale-up seen', (t) => sample(t, `scale_up_latency_seconds_count${is}`) === 1);
  expect(sample(seen, `expected_runners_count${is}`)).toBe(2);
  const lastTick = sample(seen, `last_cleanup_timestamp_seconds${is}`);
  expect(lastTick).toBeGreaterThan(0);

  // The stream ends as a handover, so the next worker gets a workflow task: it replays, then reconnects.
  await first.close();
  const next = await startWorker();
  const replayed = await until(next, 'the gauges replayed', (t) => sample(t, `expected_runners_count${is}`) === 2);
  expect({
    lastTick: sample(replayed, `last_cleanup_timestamp_seconds${is}`),
    interval: sample(replayed, `cleanup_interval_seconds${is}`),
    fallback: sample(replayed, `fallback_active${is}`),
    scaleUps: sample(replayed, `scale_up_latency_seconds_count${is}`),
  }).toEqual({ lastTick, interval: 3600, fallback: 0, scaleUps: undefined });
});
