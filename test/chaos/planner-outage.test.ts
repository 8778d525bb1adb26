import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import { reconnectDelaySeconds } from '../../policy/backoff';
import { stateQuery } from '../../contracts/definitions';
import { connectTestEnv } from '../support/temporal';
import { eventually, sleep } from '../support/wait';
import { cloudView, startFlavor, untilState, type FlavorHandle } from './support/flavor';
import { expectNoSecretsInHistories } from './support/history-grep';
import { startInProcessWorker } from './support/in-process-worker';
import { measured } from './support/results';
import { watchSecrets } from './support/secrets';
import { sizes, timeoutFor } from './support/sizes';

/**
 * Scenario 3: the planner goes down (503), flaps (every stream dies after one line, half the attempts
 * refused), then answers 401 and 404. Throughout: the fallback count applies, and the reconnects stay
 * within what the backoff allows; afterwards the stream comes back and a new pressure is acted on.
 */
const { backoffInitialSeconds: initial, backoffMaxSeconds: max } = sizes.planner;
const FALLBACK = 1;
let env: TestWorkflowEnvironment;
let cloud: SimulatedCloud;
let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
let handle: FlavorHandle | undefined;

beforeAll(async () => {
  env = await connectTestEnv();
  // Re-sends every second, so that an open stream meets a new fault within a second.
  cloud = await startSimulatedCloud({ planner: { resendIntervalMs: 1000 }, openstack: { bootDelayMs: 200 } });
  worker = await startInProcessWorker(env, cloud, 'chaos-planner');
});

afterAll(async () => {
  await handle?.terminate('test over').catch(() => undefined);
  await worker?.stop();
  await cloud?.close();
  await env?.teardown();
});

/** Most reconnects the backoff allows in `seconds`: each waits its delay, doubling from `initial` (the cap at once when permanent). */
function allowedAttempts(seconds: number, permanent: boolean): number {
  let attempts = 0;
  for (let elapsed = 0; ; attempts += 1) {
    elapsed += reconnectDelaySeconds(attempts + 1, permanent ? 'permanent' : 'transient', initial, max);
    if (elapsed > seconds) return attempts;
  }
}

const SLACK = 2;

test(
  'planner down, flapping, 401 and 404: fallback applies, no reconnect hot loop, recovery after',
  () =>
    measured('3-planner-outage', async (figures) => {
      const secrets = watchSecrets(cloud);
      const started = await startFlavor(env.client, worker.taskQueue, {
        cleanupIntervalSeconds: 2,
        fallbackRunners: FALLBACK,
        // The ADR's literal reading, fallback at the first failed connect: what this scenario measures.
        fallbackGraceSeconds: 0,
        streamBackoffInitialSeconds: initial,
        streamBackoffMaxSeconds: max,
      });
      handle = started.handle;
      const { flavor } = started;
      const view = cloudView(cloud, flavor);
      const { planner } = cloud;
      const attempts = () => Object.values(planner.stats.requests).reduce((sum, n) => sum + n, 0);
      const inFallback = (s: { mode: string; desired?: number }) => s.mode === 'fallback' && s.desired === FALLBACK;

      planner.setPressure(flavor, 3);
      await untilState(handle, (s) => s.currentRunners === 3 && s.stream?.connected === true, 'three runners');

      /** Runs one outage phase for `seconds` and checks its reconnect count against the allowance. */
      const phase = async (name: string, seconds: number, allowed: number, during: () => Promise<void>) => {
        const before = attempts();
        const phaseStart = Date.now();
        await during();
        await sleep(Math.max(seconds * 1000 - (Date.now() - phaseStart), 0));
        const observed = attempts() - before;
        figures[name] = { seconds, reconnects: observed, allowed };
        expect(observed).toBeGreaterThanOrEqual(1);
        expect(observed).toBeLessThanOrEqual(allowed);
      };

      // Down: open streams die at their next line, every new one is answered 503.
      await phase(
        'down',
        sizes.planner.downSeconds,
        allowedAttempts(sizes.planner.downSeconds, false) + SLACK,
        async () => {
          planner.faults.status = 503;
          planner.faults.dropAfterLines = 1;
          await untilState(handle!, inFallback, 'fallback while down');
          await eventually(
            async () => view.vms().length,
            (n) => n === FALLBACK,
            { what: 'VMs down to the fallback' },
          );
        },
      );
      expect(inFallback(await handle.query(stateQuery))).toBe(true);

      // Flapping: every stream delivers one value and dies, half the attempts are refused. A value resets
      // the backoff, so the floor between attempts is the initial delay.
      const flapping = sizes.planner.flappingSeconds;
      await phase('flapping', flapping, Math.floor(flapping / initial) + SLACK, async () => {
        planner.faults.status = undefined;
        planner.faults.errorRate = 0.5;
      });

      // 401 and 404: permanent, so the cap between attempts at once.
      const unauthorized = sizes.planner.unauthorizedSeconds;
      await phase('unauthorized', unauthorized, allowedAttempts(unauthorized, true) + SLACK, async () => {
        planner.faults.errorRate = 0;
        planner.faults.status = 401;
        await untilState(handle!, (s) => inFallback(s) && /401/.test(s.stream?.lastError ?? ''), '401 in the state');
      });
      expect((await handle.query(stateQuery)).stream?.retryInSeconds).toBe(max);
      const notFound = sizes.planner.notFoundSeconds;
      await phase('notFound', notFound, allowedAttempts(notFound, true) + SLACK, async () => {
        planner.faults.status = undefined;
        planner.removeFlavor(flavor);
        await untilState(handle!, (s) => inFallback(s) && /404/.test(s.stream?.lastError ?? ''), '404 in the state');
      });
      expect(inFallback(await handle.query(stateQuery))).toBe(true);

      // Back: the stream reconnects, the new pressure is acted on.
      planner.faults.dropAfterLines = undefined;
      planner.setPressure(flavor, 4);
      const recovered = await untilState(
        handle,
        (s) => s.mode === 'planner' && s.desired === 4 && s.currentRunners === 4 && s.stream?.connected === true,
        'back on the planner at 4',
        (max + 60) * 1000,
      );
      await eventually(
        async () => view.vms().length,
        (n) => n === 4,
        { what: '4 VMs' },
      );
      figures.streamReconnectsTotal = recovered.stream?.reconnects;
      figures.vmsAfterRecovery = view.vms().length;

      await handle.terminate('test over');
      Object.assign(figures, await expectNoSecretsInHistories(env.address, [handle.workflowId], secrets.secrets()));
    }),
  timeoutFor(
    sizes.planner.downSeconds +
      sizes.planner.flappingSeconds +
      sizes.planner.unauthorizedSeconds +
      sizes.planner.notFoundSeconds +
      30,
  ),
);
