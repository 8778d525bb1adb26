import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import { freePort } from '../../worker/ports';
import { flavorWorkflowId } from '../../contracts/flavor-workflow';
import { stateQuery } from '../../contracts/definitions';
import { startFlavor } from '../../contracts/start-flavor';
import { connectTestEnv, uniqueName } from '../support/temporal';
import { eventually } from '../support/wait';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process';

/**
 * The real worker process with every secret in a file (worker/main.ts's wiring): /health names each
 * secret's source and when the reading in use was made; a rotated webhook secret verifies the next
 * delivery to its intake without a restart; no value reaches /health or the log.
 */
let env: TestWorkflowEnvironment;
let cloud: SimulatedCloud;
let worker: WorkerProcess;
let metricsUrl: string;
let intakeUrl: string;
const dir = mkdtempSync(path.join(tmpdir(), 'secret-files-'));
const file = (name: string) => path.join(dir, name);
const label = uniqueName('filed');
const taskQueue = uniqueName('filed');
const plannerFlavor = uniqueName('streamed');
const flavor = uniqueName('filed');
const [oldSecret, newSecret] = ['webhook-secret-as-started', 'webhook-secret-as-rotated'];

interface Health {
  status: string;
  secrets: Record<string, { source: string; readAt?: string }>;
}
const seen: unknown[] = [];
const health = async () => (await (await fetch(`${metricsUrl}/health`)).json()) as Health;

beforeAll(async () => {
  env = await connectTestEnv();
  cloud = await startSimulatedCloud({ openstack: { bootDelayMs: 100 }, github: { jobPickup: 'manual' } });
  const [metricsPort, intakePort] = [await freePort(), await freePort()];
  metricsUrl = `http://127.0.0.1:${metricsPort}`;
  intakeUrl = `http://127.0.0.1:${intakePort}/webhook`;
  writeFileSync(file('planner-token'), 'planner-sim-token\n');
  writeFileSync(file('github-token'), `${cloud.github.token}\n`);
  writeFileSync(file('webhook-secret'), `${oldSecret}\n`);
  writeFileSync(file('flavors.yaml'), `flavors:\n  ${flavor}: { mode: reactive, labels: [${label}], maxRunners: 1 }\n`);
  writeFileSync(
    file('worker.yaml'),
    [
      `temporal: { address: "${env.address}", taskQueue: ${taskQueue} }`,
      `planner: { url: "${cloud.planner.url}", tokenFile: ${file('planner-token')} }`,
      `github: { apiUrl: "${cloud.github.url}", org: ${cloud.github.org}, tokenFile: ${file('github-token')} }`,
      `metrics: { host: 127.0.0.1, port: ${metricsPort} }`,
      `intake: { host: 127.0.0.1, port: ${intakePort}, secretFile: ${file('webhook-secret')},`,
      `  flavorsFile: ${file('flavors.yaml')} }`,
    ].join('\n'),
  );
  const os = cloud.openstack.credentials;
  if (os.authType !== 'password') throw new Error('the simulator hands out password credentials');
  worker = startWorkerProcess(file('worker.yaml'), {
    OS_AUTH_URL: os.authUrl,
    OS_REGION_NAME: os.region ?? '',
    OS_USERNAME: os.user.name ?? '',
    OS_USER_DOMAIN_NAME: os.user.domainName ?? '',
    OS_PASSWORD: os.password.reveal(),
    OS_PROJECT_NAME: os.project.name ?? '',
    OS_PROJECT_DOMAIN_NAME: os.project.domainName ?? '',
  });
  await worker.ready();
}, 120_000);

afterAll(async () => {
  worker?.signal('SIGKILL');
  await env?.client.workflow
    .getHandle(flavorWorkflowId(flavor))
    .terminate('test over')
    .catch(() => undefined);
  await cloud?.close();
  await env?.teardown();
});

const deliver = (secret: string) => {
  const delivery = cloud.github.workflowJobDelivery(cloud.github.queueJob({ labels: [label] }).id, secret);
  return fetch(intakeUrl, { method: 'POST', headers: delivery.headers, body: delivery.body });
};

test('/health names each file secret; a rotated webhook secret verifies the next delivery; no value leaks', async () => {
  const atStart = await health();
  expect(atStart).toEqual({
    status: 'RUNNING',
    secrets: {
      // The planner token is read at a stream's connect, the webhook secret at a delivery: none yet.
      planner: { source: 'file' },
      github: { source: 'file', readAt: expect.any(String) },
      webhook: { source: 'file' },
    },
  });

  expect((await deliver(oldSecret)).status).toBe(202);
  const firstRead = (await health()).secrets.webhook.readAt;
  expect(firstRead).toEqual(expect.any(String));

  writeFileSync(file('webhook-secret'), `${newSecret}\n`);
  expect((await deliver(newSecret)).status).toBe(202);
  expect((await deliver(oldSecret)).status).toBe(401);
  const rotated = await health();
  expect(rotated.secrets.webhook.readAt! > firstRead!).toBe(true);
  expect(rotated.secrets.github).toEqual(atStart.secrets.github);

  seen.push(atStart, rotated);
});

test('the state shows when the planner token in use was read; a rotated one is read at the next connect', async () => {
  cloud.planner.setPressure(plannerFlavor, 0);
  const { handle } = await startFlavor(env.client, { taskQueue, settings: { flavor: plannerFlavor } });
  const state = () => handle.query(stateQuery);
  const first = await eventually(state, (s) => s.stream?.tokenReadAt !== undefined, { what: 'a token read' });
  expect((await health()).secrets.planner.readAt).toBe(first.stream?.tokenReadAt);

  writeFileSync(file('planner-token'), 'planner-token-rotated\n');
  cloud.planner.setTokens(['planner-token-rotated']);
  // The open stream goes on (the planner checks tokens at connect only) until it is cut: the reconnect reads the file.
  cloud.planner.faults.dropAfterLines = 1;
  cloud.planner.setPressure(plannerFlavor, 1);
  const rotated = await eventually(
    state,
    (s) => s.lastPressure === 1 && s.stream?.tokenReadAt !== first.stream?.tokenReadAt,
    { what: 'the rotated token in use' },
  );
  cloud.planner.faults.dropAfterLines = undefined;
  expect((rotated.stream?.tokenReadAt ?? '') > (first.stream?.tokenReadAt ?? '')).toBe(true);
  expect(rotated.mode).toBe('planner');
  seen.push(first, rotated);
  await handle.terminate('test over');
});

test('no secret value reaches /health, a state or the log', async () => {
  worker.signal('SIGTERM');
  expect(await worker.exited).toBe(0);
  const everything = JSON.stringify(seen) + worker.stdout() + worker.stderr();
  for (const secret of ['planner-sim-token', 'planner-token-rotated', cloud.github.token, oldSecret, newSecret]) {
    expect(everything).not.toContain(secret);
  }
  expect(worker.logLines().some((line) => line.includes('"status":401'))).toBe(true);
});
