import { stateQuery } from '../../contracts/definitions';
import { eventually } from '../support/wait';
import { cloudView, startFlavor, untilState } from './support/flavor';
import { expectNoSecretsInHistories } from './support/history-grep';
import { measured } from './support/results';
import { watchSecrets } from './support/secrets';
import { sizes, timeoutFor } from './support/sizes';
import { WorkerProcessScene } from './support/worker-processes';

/**
 * Scenario 1: the worker process is SIGKILLed in the middle of a 0 → N burst and a new one takes over.
 * Names come from the workflow, so the replayed create must find what the dead worker made: exactly N
 * VMs, no twin, and after a cleanup tick every VM has its GitHub runner and every runner its VM.
 */
const N = sizes.killBurst;
const scene = new WorkerProcessScene('chaos-kill');

test(
  `SIGKILL of the worker mid-burst 0 → ${N}: exactly ${N} VMs, no twin, none without its runner`,
  () =>
    measured('1-worker-kill', async (figures) => {
      const { cloud, env } = scene;
      const secrets = watchSecrets(cloud);
      const killed = await scene.startWorker();
      // fallbackRunners stays 0: the dead worker's stream times out later (no heartbeat), and that is a
      // handover, not a planner outage, so nothing may scale down.
      const started = await startFlavor(env.client, scene.taskQueue, {
        cleanupIntervalSeconds: 3,
        streamBackoffInitialSeconds: 1,
      });
      const handle = (scene.handle = started.handle);
      const view = cloudView(cloud, started.flavor);
      cloud.planner.setPressure(started.flavor, 0);
      await untilState(handle, (s) => s.desired === 0 && s.totals.cleanupTicks >= 1, 'pressure 0 and a first tick');

      // Slow registrations and slower creates: the burst reaches Nova in waves, and each create hangs a while.
      cloud.github.faults.latencyMs = 500;
      cloud.openstack.setFaults({ latencyMs: 1500, service: 'compute', method: 'POST', route: '/servers' });
      const creates = () => cloud.openstack.stats.createRequests.filter((r) => r.name.startsWith(`${started.flavor}-`));
      cloud.planner.setPressure(started.flavor, N);
      await eventually(
        async () => creates().length,
        (n) => n >= Math.ceil(N / 4),
        { intervalMs: 5, what: 'a quarter of the creates at Nova' },
      );
      killed.kill('SIGKILL');
      await killed.exited;
      figures.createsArrivedAtKill = creates().length;
      figures.registrationsAtKill = view.runners().length;
      figures.vmsAtKill = view.vms().length;
      expect(creates().length).toBeLessThan(N);

      cloud.github.faults.latencyMs = 0;
      cloud.openstack.setFaults({});
      await scene.startWorker();
      const converged = await untilState(
        handle,
        (s) => s.currentRunners === N && s.operation === undefined && view.vms().length === N,
        `${N} runners`,
        120_000,
      );
      await untilState(handle, (s) => s.totals.cleanupTicks > converged.totals.cleanupTicks, 'one more cleanup tick');
      // The dead worker's stream ends by heartbeat timeout; the workflow reconnects without falling back.
      const handedOver = await untilState(
        handle,
        (s) => s.stream?.lastDisconnect?.error === 'the stream worker stopped heartbeating' && s.stream.connected,
        'the stream handed over after its heartbeats stopped',
        90_000,
      );
      await untilState(handle, (s) => s.totals.cleanupTicks > handedOver.totals.cleanupTicks, 'a tick after that');
      const state = await handle.query(stateQuery);
      figures.modeAfterHeartbeatTimeout = state.mode;
      expect(state.mode).toBe('planner');
      expect(state.totals.deleted).toBe(0);
      Object.assign(figures, {
        vmsAfter: view.vms().length,
        createRequests: creates().length,
        duplicateNames: view.duplicateNames().length,
        vmsWithoutRunner: view.vmsWithoutRunner().length,
        runnersWithoutVm: view.runnersWithoutVm().length,
        removedByCleanup: state.totals.removedByCleanup,
      });
      expect(view.vms()).toHaveLength(N);
      expect(view.duplicateNames()).toEqual([]);
      expect(view.vmsWithoutRunner()).toEqual([]);
      expect(view.runnersWithoutVm()).toEqual([]);
      expect(state.currentRunners).toBe(N);

      await handle.terminate('test over');
      Object.assign(figures, await expectNoSecretsInHistories(env.address, [handle.workflowId], secrets.secrets()));
    }),
  timeoutFor(60),
);
