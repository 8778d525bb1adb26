import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import type { FaultSettings } from '../../simulators/openstack';
import { connectTestEnv } from '../support/temporal';
import { eventually, sleep } from '../support/wait';
import { cloudView, startFlavor, untilState, type FlavorHandle } from './support/flavor';
import { expectNoSecretsInHistories } from './support/history-grep';
import { startInProcessWorker } from './support/in-process-worker';
import { measured } from './support/results';
import { watchSecrets } from './support/secrets';
import { sizes, timeoutFor } from './support/sizes';

/**
 * Scenario 4: while pressure rises and falls, OpenStack answers bursts of 5xx and of 429, loses the
 * answers of creates it carried out, and (full variant) misbehaves at random and lets creates time out;
 * GitHub imposes secondary rate limits, 429s and 5xx. Once the faults stop the flavor converges
 * (runners = desired), and the runners that were busy all along are still there.
 */
let env: TestWorkflowEnvironment;
let cloud: SimulatedCloud;
let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
let handle: FlavorHandle | undefined;
let flavor: string;
const { burst, mixedSeconds, novaTimeouts } = sizes.cloud;
/** Past the OpenStack client's 30 s per-request timeout. */
const NOVA_TIMEOUT_LATENCY_MS = 31_000;
const CREATES = { service: 'compute', method: 'POST', route: '/servers' } as const;

beforeAll(async () => {
  env = await connectTestEnv();
  cloud = await startSimulatedCloud({ openstack: { bootDelayMs: 200 } });
  worker = await startInProcessWorker(env, cloud, 'chaos-cloud');
});

afterAll(async () => {
  await handle?.terminate('test over').catch(() => undefined);
  await worker?.stop();
  await cloud?.close();
  await env?.teardown();
});

/**
 * One burst of `burst` faults of a kind while pressure moves to `target`: waits until Nova has served
 * them all and the workflow counts `target` runners.
 */
async function faultBurst(kind: 'error' | 'rateLimit' | 'drop', faults: Partial<FaultSettings>, target: number) {
  const before = cloud.openstack.stats.faults[kind];
  cloud.openstack.setFaults({ ...faults, maxFaults: burst });
  cloud.planner.setPressure(flavor, target);
  await eventually(
    async () => cloud.openstack.stats.faults[kind] - before,
    (n) => n >= burst,
    { what: `a burst of ${kind}`, timeoutMs: 60_000 },
  );
  await untilState(handle!, (s) => s.currentRunners === target, `${target} runners after a burst of ${kind}`);
}

test(
  'OpenStack 5xx, 429, lost answers and timeouts, GitHub rate limits: convergence after, busy runners kept',
  () =>
    measured('4-cloud-faults', async (figures) => {
      const secrets = watchSecrets(cloud);
      const started = await startFlavor(env.client, worker.taskQueue, { cleanupIntervalSeconds: 2 });
      ({ handle, flavor } = started);
      const view = cloudView(cloud, flavor);
      const { planner, openstack, github } = cloud;
      const pressure = (value: number) => planner.setPressure(flavor, value);

      pressure(6);
      await untilState(handle, (s) => s.currentRunners === 6, 'six runners');
      const online = await eventually(
        async () => view.runners().filter((r) => r.status === 'online'),
        (runners) => runners.length === 6,
        { what: 'six runners online' },
      );
      const busy = online.slice(0, 2).map((r) => r.name);
      for (const name of busy) cloud.assignJob(name);

      Object.assign(github.faults, {
        rateLimit: { kind: 'secondary', count: burst, retryAfterSeconds: 1 },
        status429Count: burst,
        errorCount: burst,
      });
      await faultBurst('error', { errorRate: 1 }, 9);
      await faultBurst('rateLimit', { rateLimitRate: 1, retryAfterSeconds: 1 }, 3);
      // Nova makes the VM but the answer is lost: each create must find its VM instead of making a twin.
      await faultBurst('drop', { dropRate: 1, dropAfterHandling: true, ...CREATES }, 3 + burst);
      if (mixedSeconds > 0) {
        openstack.setFaults({ errorRate: 0.15, rateLimitRate: 0.15, dropRate: 0.05, dropAfterHandling: true });
        pressure(10);
        await sleep((mixedSeconds * 1000) / 2);
        pressure(2);
        await sleep((mixedSeconds * 1000) / 2);
      }
      if (novaTimeouts) {
        // Creates hang past the client's timeout while Nova still makes the VM: twins would show here.
        openstack.setFaults({ latencyMs: NOVA_TIMEOUT_LATENCY_MS, ...CREATES });
        pressure(6);
        await sleep(NOVA_TIMEOUT_LATENCY_MS + 10_000);
      }
      Object.assign(figures, {
        openstackFaults: { ...openstack.stats.faults },
        githubFaults: { ...github.stats.faultsInjected },
        createRequestsUnderFaults: openstack.stats.createRequests.length - 6,
      });

      openstack.setFaults({});
      github.resetFaults();
      pressure(4);
      const converged = await untilState(
        handle,
        (s) => s.desired === 4 && s.currentRunners === 4 && s.operation === undefined && view.vms().length === 4,
        'four runners again',
        120_000,
      );
      await untilState(handle, (s) => s.totals.cleanupTicks > converged.totals.cleanupTicks, 'one more cleanup tick');
      await eventually(
        async () => view.vmsWithoutRunner(),
        (names) => names.length === 0,
        { what: 'every VM with its runner online' },
      );

      const busyNow = github.runners().filter((r) => busy.includes(r.name) && r.busy && r.status === 'online');
      Object.assign(figures, {
        desired: 4,
        vmsAfter: view.vms().length,
        runnersAfter: view.runners().length,
        busyKept: `${busyNow.length}/${busy.length}`,
        duplicateNames: view.duplicateNames().length,
      });
      expect(github.stats.faultsInjected.rateLimited).toBeGreaterThan(0);
      expect(github.stats.faultsInjected.tooManyRequests).toBeGreaterThan(0);
      expect(view.vms()).toHaveLength(4);
      expect(view.runners()).toHaveLength(4);
      expect(view.duplicateNames()).toEqual([]);
      expect(view.runnersWithoutVm()).toEqual([]);
      expect(busyNow.map((r) => r.name).sort()).toEqual([...busy].sort());
      expect(view.names()).toEqual(expect.arrayContaining(busy));

      await handle.terminate('test over');
      Object.assign(figures, await expectNoSecretsInHistories(env.address, [handle.workflowId], secrets.secrets()));
    }),
  timeoutFor(mixedSeconds + (novaTimeouts ? 41 : 0) + 60),
);
