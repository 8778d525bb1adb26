import { readFileSync } from 'node:fs';
import { Agent } from 'undici';
import { PlannerClient } from '../../activities/planner/client';
import { startPlannerSimulator, type PlannerSimulator } from '../../simulators/planner';
import { eventually, trackedStreams } from './support';

/**
 * TCP keep-alive on the client's stream sockets, read from the kernel: a dead peer sends nothing, so
 * only keep-alive probes notice it while a stream is silent. Linux shows a socket's keep-alive timer in
 * /proc/net/tcp (`tr` 02, `tm->when` the clock ticks until the first probe).
 */
const TOKEN = 'keep-alive-token';
const USER_HZ = 100;
let sim: PlannerSimulator;
const streams = trackedStreams();

beforeAll(async () => {
  sim = await startPlannerSimulator({ token: TOKEN, resendIntervalMs: 3_600_000 });
  sim.setPressure('small', 1);
});
afterEach(() => streams.abortAll());
afterAll(() => sim.close());

/** The timers of this process's established sockets to the simulator: [timer kind, seconds until it fires]. */
function clientSocketTimers(): [number, number][] {
  const port = Number(new URL(sim.url).port).toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter(([, , remote, state]) => remote === `0100007F:${port}` && state === '01')
    .map(([, , , , , timer]) => {
      const [kind, when] = timer.split(':');
      return [parseInt(kind, 16), parseInt(when, 16) / USER_HZ];
    });
}

async function openOneStream(client: PlannerClient) {
  const opened = sim.stats.connectionsOpened;
  const watched = streams.stream(client, 'small');
  await eventually(() => watched.values.length === 1 && sim.stats.connectionsOpened === opened + 1, 'an open stream');
  return watched;
}

test('a stream socket has TCP keep-alive, probing after keepAliveInitialDelayMs of silence', async () => {
  await openOneStream(new PlannerClient({ baseUrl: sim.url, token: TOKEN, keepAliveInitialDelayMs: 5_000 }));
  const [[kind, seconds]] = clientSocketTimers();
  expect(kind).toBe(2);
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(5);
});

test('by default the first probe comes within 15 s of silence', async () => {
  await openOneStream(new PlannerClient({ baseUrl: sim.url, token: TOKEN }));
  const [[kind, seconds]] = clientSocketTimers();
  expect(kind).toBe(2);
  expect(seconds).toBeLessThanOrEqual(15);
});

test('the check sees a socket without keep-alive (a dispatcher of the caller that turns it off)', async () => {
  const dispatcher = new Agent({ connect: { keepAlive: false } });
  await openOneStream(new PlannerClient({ baseUrl: sim.url, token: TOKEN, dispatcher }));
  expect(clientSocketTimers()).toEqual([[0, 0]]);
  streams.abortAll();
  await dispatcher.close();
});
