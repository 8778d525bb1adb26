import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jitConfigFromUserData } from '../../simulators/vm-boot';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import { freePort } from '../../worker/ports';
import { startFlavor as startFlavorWorkflow } from '../../contracts/start-flavor';
import { flavorWorkflowId, type FlavorWorkflow } from '../../contracts/flavor-workflow';
import { setFallbackRunnersSignal, stateQuery } from '../../contracts/definitions';
import type { FlavorState } from '../../contracts/state';
import { connectTestEnv, uniqueName } from '../support/temporal';
import { eventually } from '../support/wait';
import { simulatedCloudSecrets, startWorkerProcess, type WorkerProcess } from './support/worker-process';

/**
 * The real worker process (`worker/main.ts --config`, secrets by environment) against the test's
 * Temporal server and simulators: its /health and /metrics (its own series and the SDK's), its JSON
 * logs, and SIGTERM in the middle of a planner stream.
 */
const { PendingActivityState, EventType } = temporal.api.enums.v1;

let env: TestWorkflowEnvironment;
let cloud: SimulatedCloud;
let worker: WorkerProcess;
let metricsUrl: string;
const taskQueue = uniqueName('process');
const flavor = uniqueName('sig');
/** Unknown to the planner: its stream fails, which the SDK logs with the workflow id and no flavor. */
const unknownFlavor = uniqueName('unknown');
const handles: WorkflowHandle<FlavorWorkflow>[] = [];

beforeAll(async () => {
  env = await connectTestEnv();
  cloud = await startSimulatedCloud({ openstack: { bootDelayMs: 100 } });
  cloud.planner.setPressure(flavor, 1);
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}`;
  const configFile = path.join(mkdtempSync(path.join(tmpdir(), 'worker-process-')), 'worker.yaml');
  writeFileSync(
    configFile,
    [
      `temporal: { address: "${env.address}", namespace: default, taskQueue: ${taskQueue} }`,
      `planner: { url: "${cloud.planner.url}" }`,
      `github: { apiUrl: "${cloud.github.url}", org: ${cloud.github.org} }`,
      `metrics: { host: 127.0.0.1, port: ${metricsPort} }`,
    ].join('\n'),
  );
  worker = startWorkerProcess(configFile, simulatedCloudSecrets(cloud));
  await worker.ready();
}, 120_000);

afterAll(async () => {
  worker?.signal('SIGKILL');
  for (const handle of handles) await handle.terminate('test over').catch(() => undefined);
  await cloud?.close();
  await env?.teardown();
});

async function startFlavor(name: string) {
  const { handle } = await startFlavorWorkflow(env.client, {
    taskQueue,
    settings: {
      flavor: name,
      image: 'ubuntu-24.04',
      openstackFlavor: 'm1.small',
      network: 'runners-net',
      labels: ['self-hosted', name],
    },
  });
  handles.push(handle);
  return handle;
}

const until = (handle: WorkflowHandle, accept: (s: FlavorState) => boolean, what: string) =>
  eventually(() => handle.query(stateQuery), accept, { what, timeoutMs: 30_000 });

test('while running: /health is 200 RUNNING, /metrics has the flavor series and the SDK runtime metrics', async () => {
  const handle = await startFlavor(flavor);
  await until(handle, (s) => s.stream?.connected === true && s.currentRunners === 1, 'stream up, 1 runner');

  const health = await fetch(`${metricsUrl}/health`);
  const fromEnvironment = { source: 'env', readAt: expect.any(String) };
  expect({ status: health.status, body: await health.json() }).toEqual({
    status: 200,
    body: { status: 'RUNNING', secrets: { planner: fromEnvironment, github: fromEnvironment } },
  });
  const text = await (await fetch(`${metricsUrl}/metrics`)).text();
  expect(text).toContain(`stream_connected{flavor="${flavor}"} 1`);
  expect(text).toContain(`pressure{flavor="${flavor}"} 1`);
  expect(text).toContain(`created_runners_total{flavor="${flavor}"} 1`);
  expect(text).toMatch(/^temporal_worker_task_slots_available\{.*\} \d+/m);
  expect(text).toMatch(/^temporal_request\{.*\} \d+/m);
});

test('its log lines are JSON, name the flavor and workflow of each flavor line, and hold no secret', async () => {
  const unknown = await startFlavor(unknownFlavor);
  await until(unknown, (s) => s.stream?.lastError !== undefined, 'the unknown flavor refused by the planner');
  await handles[0].signal(setFallbackRunnersSignal, 'lots');
  await until(handles[0], (s) => s.lastRejected !== undefined, 'the bad signal rejected');

  const entries = await eventually(
    async () => worker.logLines().map((line) => JSON.parse(line) as Record<string, unknown>),
    (all) => all.some((e) => e.msg === 'rejected input') && all.some((e) => e.msg === 'Activity failed'),
    { what: 'the workflow warning and the activity failure logged' },
  );
  for (const entry of entries) {
    expect(entry).toEqual(expect.objectContaining({ time: expect.any(String), level: expect.any(String) }));
    expect(typeof entry.msg).toBe('string');
  }
  const aboutFlavors = entries.filter((e) => e.flavor !== undefined || e.workflowId !== undefined);
  expect(aboutFlavors.map((e) => e.msg)).toEqual(expect.arrayContaining(['rejected input', 'Activity failed']));
  for (const entry of aboutFlavors) expect(entry.workflowId).toBe(flavorWorkflowId(String(entry.flavor)));
  expect(entries.find((e) => e.msg === 'Activity failed')).toMatchObject({
    level: 'WARN',
    flavor: unknownFlavor,
    activityType: 'streamPressure',
  });

  const jitConfigs = cloud.openstack
    .servers()
    .map((server) => server.userData && jitConfigFromUserData(server.userData))
    .filter((config): config is string => Boolean(config));
  expect(jitConfigs.length).toBeGreaterThan(0);
  const output = worker.stdout() + worker.stderr();
  const os = cloud.openstack.credentials;
  const secrets = ['planner-sim-token', cloud.github.token, os.authType === 'password' ? os.password.reveal() : ''];
  for (const secret of [...secrets, ...jitConfigs]) expect(output).not.toContain(secret);
});

test('SIGTERM during a stream: exit code 0, and the stream activity closed, none left running', async () => {
  const handle = handles[0];
  const before = await handle.describe();
  const stream = before.raw.pendingActivities?.find((a) => a.activityType?.name === 'streamPressure');
  expect(stream?.state).toBe(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);

  worker.signal('SIGTERM');
  const code = await worker.exited;
  expect({ code, stderr: worker.stderr() }).toEqual({ code: 0, stderr: '' });
  expect(worker.logLines().at(-1)).toContain('"msg":"worker stopped"');

  const after = await handle.describe();
  expect(after.raw.pendingActivities ?? []).toEqual([]);
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = events.filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'streamPressure',
  );
  const lastStream = Number(scheduled.at(-1)?.eventId);
  const completed = events.find(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED &&
      Number(e.activityTaskCompletedEventAttributes?.scheduledEventId) === lastStream,
  );
  const result = completed?.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
  expect(result && defaultPayloadConverter.fromPayload(result)).toBe('worker-shutdown');
});
