import { Secret } from '../../activities/openstack/secret';
import { stateQuery } from '../../contracts/definitions';
import { startFlavor } from '../../contracts/start-flavor';
import type { WorkerConfig } from '../../worker/config/load';
import { useSimulatedWorker } from '../support/simulated-worker';
import { uniqueName } from '../support/temporal';
import { eventually } from '../support/wait';

/**
 * A wrong credential cannot get better by retrying: each tick's activity fails once, non-retryable, with
 * its cause in the state, and the flavor waits for its next tick, as it does for the planner's 401.
 */
const sim = useSimulatedWorker('wrong', { openstack: { bootDelayMs: 100 } }, { worker: false });

function workerWith(configure: (config: WorkerConfig) => WorkerConfig): Promise<string> {
  return sim.startWorker({ taskQueue: uniqueName('wrong'), configure });
}

async function ticksFailingWith(taskQueue: string, type: string) {
  const { handle } = await startFlavor(sim.env.client, {
    taskQueue,
    settings: { flavor: uniqueName('wrong'), mode: 'static', minRunners: 1, cleanupIntervalSeconds: 1 },
  });
  const state = await eventually(
    () => handle.query(stateQuery),
    (s) => s.totals.cleanupTicks >= 3,
    { what: 'three failed ticks', timeoutMs: 30_000 },
  );
  await handle.terminate('test over');
  expect(state.lastCleanup?.error).toContain(type);
  expect(state.currentRunners).toBe(0);
  return state.totals.cleanupTicks;
}

test('a wrong GitHub token: one runners list per tick, the tick failed as GitHubUnauthorized', async () => {
  const taskQueue = await workerWith((config) => ({
    ...config,
    github: { ...config.github, auth: { kind: 'token', token: 'ghp_notTheTokenGitHubKnows' } },
  }));
  const before = sim.cloud.github.stats.calls['GET /orgs/{org}/actions/runners'] ?? 0;
  const ticks = await ticksFailingWith(taskQueue, 'GitHubUnauthorized');
  const lists = (sim.cloud.github.stats.calls['GET /orgs/{org}/actions/runners'] ?? 0) - before;
  // Five attempts a tick before; now one (and the tick still in flight may add one more).
  expect(lists).toBeGreaterThanOrEqual(ticks - 1);
  expect(lists).toBeLessThanOrEqual(ticks + 1);
});

test('a wrong OpenStack password: one token request per tick, the tick failed as OpenStackUnauthorized', async () => {
  const taskQueue = await workerWith((config) => {
    const { credentials } = config.openstack;
    if (credentials.authType !== 'password') throw new Error('the simulator hands out password credentials');
    const password = new Secret('not-the-password');
    return { ...config, openstack: { ...config.openstack, credentials: { ...credentials, password } } };
  });
  const tokenRoute = 'identity POST /v3/auth/tokens';
  const before = sim.cloud.openstack.stats.calls[tokenRoute] ?? 0;
  const ticks = await ticksFailingWith(taskQueue, 'OpenStackUnauthorized');
  const tokens = (sim.cloud.openstack.stats.calls[tokenRoute] ?? 0) - before;
  expect(tokens).toBeGreaterThanOrEqual(ticks - 1);
  expect(tokens).toBeLessThanOrEqual(ticks + 1);
});
