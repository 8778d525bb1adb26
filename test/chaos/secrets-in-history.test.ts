import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomBytes } from 'node:crypto';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import { setFallbackRunnersSignal } from '../../contracts/definitions';
import { connectTestEnv, uniqueName } from '../support/temporal';
import { eventually } from '../support/wait';
import { cloudView, startFlavor, untilState, type FlavorHandle } from './support/flavor';
import { searchHistories } from './support/history-grep';
import { measured } from './support/results';
import { watchSecrets } from './support/secrets';
import { startWorkerProcess, stopWorkerProcess, type WorkerProcess } from '../../bench/configured-worker';

/**
 * Scenario 6: a worker process takes a flavor through creates, a busy runner, soft deletes, a planner
 * that answers 401 quoting the token back, and OpenStack and GitHub errors; then the operator's CLI shows
 * every run's history and none holds a secret. A planted token-like string, sent in a signal, must be
 * found by the same search: proof that it reads the payloads. (Every other chaos file ends with the same
 * search over its own workflows.)
 */
let env: TestWorkflowEnvironment;
let cloud: SimulatedCloud;
let worker: WorkerProcess | undefined;
let handle: FlavorHandle | undefined;
const taskQueue = uniqueName('chaos-secrets');

beforeAll(async () => {
  env = await connectTestEnv();
  cloud = await startSimulatedCloud({ planner: { resendIntervalMs: 1000 }, openstack: { bootDelayMs: 200 } });
});

afterAll(async () => {
  await handle?.terminate('test over').catch(() => undefined);
  await stopWorkerProcess(worker);
  await cloud?.close();
  await env?.teardown();
});

test(
  'no secret in any history, and a planted one is found',
  () =>
    measured('6-secrets-in-history', async (figures) => {
      const secrets = watchSecrets(cloud);
      worker = await startWorkerProcess(cloud, { address: env.address, taskQueue });
      const started = await startFlavor(env.client, taskQueue, {
        cleanupIntervalSeconds: 2,
        fallbackRunners: 1,
        streamBackoffInitialSeconds: 0.5,
        streamBackoffMaxSeconds: 2,
      });
      handle = started.handle;
      const { flavor } = started;
      const view = cloudView(cloud, flavor);
      const { planner, openstack, github } = cloud;

      planner.setPressure(flavor, 3);
      await untilState(handle, (s) => s.currentRunners === 3, 'three runners');
      const [busy] = await eventually(
        async () => view.runners().filter((r) => r.status === 'online'),
        (runners) => runners.length === 3,
        { what: 'three runners online' },
      );
      cloud.assignJob(busy.name);
      planner.setPressure(flavor, 1);
      await eventually(
        async () => view.names(),
        (names) => names.length === 1 && names[0] === busy.name,
        {
          what: 'only the busy runner left',
          timeoutMs: 30_000,
        },
      );

      // Errors whose text could carry secrets: the planner quotes the token back, OpenStack and GitHub fail.
      Object.assign(planner.faults, { status: 401, echoAuthorization: true, dropAfterLines: 1 });
      await untilState(handle, (s) => /401/.test(s.stream?.lastError ?? ''), 'the 401 in the state');
      openstack.setFaults({ errorRate: 1, maxFaults: 3 });
      github.faults.errorCount = 4;
      cloud.finishJob(busy.name);
      const ticks = (await untilState(handle, (s) => s.totals.cleanupTicks > 0, 'ticks')).totals.cleanupTicks;
      await untilState(handle, (s) => s.totals.cleanupTicks >= ticks + 3, 'three ticks under faults', 60_000);
      Object.assign(planner.faults, { status: undefined, echoAuthorization: false, dropAfterLines: undefined });
      openstack.setFaults({});
      github.resetFaults();
      planner.setPressure(flavor, 2);
      await untilState(handle, (s) => s.mode === 'planner' && s.currentRunners === 2, 'back to two', 60_000);

      const planted = { label: 'planted', value: `ghp_planted${randomBytes(12).toString('hex')}` };
      await handle.signal(setFallbackRunnersSignal, planted.value);
      await untilState(handle, (s) => s.lastRejected?.handler === 'setFallbackRunners', 'the planted signal rejected');
      await handle.terminate('test over');

      const all = [...secrets.secrets(), planted];
      const search = await searchHistories(env.address, [handle.workflowId], all, []);
      Object.assign(figures, {
        histories: search.histories,
        secretsSearched: all.length - 1,
        jitConfigs: secrets.jitConfigCount(),
        planner401s: planner.stats.requests[401] ?? 0,
        openstackErrors: openstack.stats.faults.error,
        githubErrors: github.stats.faultsInjected.serverErrors,
        hits: search.hits.filter((hit) => !hit.startsWith('planted')).length,
        plantedFound: search.hits.some((hit) => hit.startsWith('planted')),
      });
      expect(secrets.jitConfigCount()).toBeGreaterThanOrEqual(4);
      expect(planner.stats.requests[401]).toBeGreaterThan(0);
      expect(openstack.stats.faults.error).toBeGreaterThan(0);
      expect(github.stats.faultsInjected.serverErrors).toBeGreaterThan(0);
      expect(search.hits).toHaveLength(1);
      expect(search.hits[0]).toMatch(/^planted in /);
    }),
  240_000,
);
