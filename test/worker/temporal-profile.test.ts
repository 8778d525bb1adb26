import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import { buildActivities } from '../../worker/activities';
import { loadWorkerConfig } from '../../worker/config/load';
import { runWorker, type RunningWorker } from '../../worker/run-worker';
import { temporalCliPath } from '../../worker/temporal-cli';
import { flavorWorkflowId } from '../../contracts/flavor-workflow';
import type { FlavorState } from '../../contracts/state';
import { runCli, writeFlavorsFile } from '../client/support';
import { connectTestEnv, uniqueName } from '../support/temporal';
import { eventually } from '../support/wait';

/**
 * One environment for the worker and the CLI: a profile that the temporal CLI itself wrote, naming the
 * suite's dev server, and RUNNER_AUTOSCALER_TASK_QUEUE. Neither is given an address: the CLI applies a
 * flavor, the worker (configured without a `temporal:` section) runs it against the simulators, and the
 * CLI reads its state back from the same queue.
 */
let env: TestWorkflowEnvironment;
let cloud: SimulatedCloud;
let worker: RunningWorker;
const flavor = uniqueName('profile');
const taskQueue = uniqueName('profile-queue');
const profileFile = path.join(mkdtempSync(path.join(tmpdir(), 'temporal-profile-')), 'temporal.toml');
const shared = {
  TEMPORAL_CONFIG_FILE: profileFile,
  TEMPORAL_PROFILE: 'autoscaler',
  RUNNER_AUTOSCALER_TASK_QUEUE: taskQueue,
};

beforeAll(async () => {
  env = await connectTestEnv();
  cloud = await startSimulatedCloud({ openstack: { bootDelayMs: 100 } });
  const cli = temporalCliPath();
  if (!cli) throw new Error('the temporal CLI is not installed: run scripts/temporal-server.sh');
  for (const [prop, value] of [
    ['address', env.address],
    ['namespace', 'default'],
  ]) {
    const args = ['config', 'set', '--profile', 'autoscaler', '--prop', prop, '--value', value];
    await promisify(execFile)(cli, args, { env: { ...process.env, TEMPORAL_CONFIG_FILE: profileFile } });
  }
  const os = cloud.openstack.credentials;
  if (os.authType !== 'password') throw new Error('the simulator hands out password credentials');
  const config = loadWorkerConfig({
    env: {
      ...shared,
      GITHUB_API_URL: cloud.github.url,
      GITHUB_ORG: cloud.github.org,
      GITHUB_TOKEN: cloud.github.token,
      OS_AUTH_URL: os.authUrl,
      OS_REGION_NAME: os.region,
      OS_USERNAME: os.user.name,
      OS_USER_DOMAIN_NAME: os.user.domainName,
      OS_PASSWORD: os.password.reveal(),
      OS_PROJECT_NAME: os.project.name,
      OS_PROJECT_DOMAIN_NAME: os.project.domainName,
    },
  });
  expect(config.temporal).toMatchObject({ address: env.address, namespace: 'default', taskQueue });
  // The suite's bundle instead of bundling workflows/ again; everything else is runWorker's own.
  const bundle = { workflowsPath: undefined, workflowBundle: { codePath: process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE! } };
  worker = await runWorker(config, (client) => buildActivities(config, client), { worker: bundle });
});

afterAll(async () => {
  await env?.client.workflow
    .getHandle(flavorWorkflowId(flavor))
    .terminate('test over')
    .catch(() => undefined);
  await worker?.close();
  await cloud?.close();
  await env?.teardown();
});

test('the CLI applies a flavor on the profile’s server and queue, the worker runs it, the CLI reads it', async () => {
  const file = writeFlavorsFile({
    [flavor]: {
      mode: 'static',
      minRunners: 1,
      image: 'ubuntu-24.04',
      openstackFlavor: 'm1.small',
      network: 'runners-net',
      labels: ['self-hosted', flavor],
    },
  });
  expect(await runCli(['apply', file], shared)).toMatchObject({ code: 0, stdout: `${flavor}: started\n` });
  expect((await env.client.workflow.getHandle(flavorWorkflowId(flavor)).describe()).taskQueue).toBe(taskQueue);

  const state = await eventually(
    async () => {
      const { code, stdout } = await runCli(['status', flavor, '--json'], shared);
      return code === 0 ? (JSON.parse(stdout) as FlavorState) : undefined;
    },
    (s) => s?.currentRunners === 1,
    { what: 'the worker’s runner, read by the CLI', timeoutMs: 45_000, intervalMs: 500 },
  );
  expect(state).toMatchObject({ flavor, mode: 'static', currentRunners: 1 });
  expect(cloud.openstack.servers().filter((server) => server.name.startsWith(`${flavor}-`))).toHaveLength(1);
});

test('the worker’s old variable TEMPORAL_TASK_QUEUE stops the CLI too, naming the one to set', async () => {
  const result = await runCli(['status'], { ...shared, TEMPORAL_TASK_QUEUE: taskQueue });
  expect(result).toMatchObject({
    code: 2,
    stdout: '',
    stderr: 'TEMPORAL_TASK_QUEUE is not read: set RUNNER_AUTOSCALER_TASK_QUEUE instead\n',
  });
});
