import { eventually } from '../support/wait';
import { startFlavor, untilState } from './support/flavor';
import { WorkerProcessScene } from './support/worker-processes';

/**
 * A worker SIGKILLed while its cleanup activity waits on Nova: the cleanup heartbeats, so the server
 * gives it to the next worker at its heartbeat timeout (30 s), not at its start-to-close timeout (5 min,
 * longer than this test). The soak found the latter holding a stop for 5 minutes.
 */
const NOVA_LIST = 'compute GET /servers/detail';
const scene = new WorkerProcessScene('chaos-cleanup-kill');

test('a cleanup taken by a worker killed mid-way is carried out by the next one within its heartbeat timeout', async () => {
  const { cloud } = scene;
  const killed = await scene.startWorker();
  const started = await startFlavor(scene.env.client, scene.taskQueue, { cleanupIntervalSeconds: 3 });
  const handle = (scene.handle = started.handle);
  cloud.planner.setPressure(started.flavor, 0);
  const first = await untilState(handle, (s) => s.totals.cleanupTicks >= 1 && !s.operation, 'a first tick');

  // The next tick's Nova list hangs: the cleanup activity is under way on the worker when it dies.
  const listsBefore = cloud.openstack.stats.calls[NOVA_LIST] ?? 0;
  cloud.openstack.setFaults({ latencyMs: 600_000, service: 'compute', method: 'GET', route: '/servers/detail' });
  await eventually(
    async () => cloud.openstack.stats.calls[NOVA_LIST] ?? 0,
    (lists) => lists > listsBefore,
    { what: 'the next tick at Nova', timeoutMs: 30_000 },
  );
  killed.kill('SIGKILL');
  await killed.exited;
  cloud.openstack.setFaults({});
  await scene.startWorker();

  const after = await untilState(
    handle,
    (s) => s.totals.cleanupTicks > first.totals.cleanupTicks && !s.operation,
    'the interrupted tick carried out by the new worker',
    90_000,
  );
  // Carried out, not given up: a tick that failed would say so.
  expect(after.lastCleanup?.error).toBeUndefined();
  expect(after.lastCleanup?.failed).toBeUndefined();
}, 150_000);
