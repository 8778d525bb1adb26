import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { request } from 'undici';
import { startPlannerSimulator, type PlannerSimulator, type PlannerSimulatorOptions } from '../../simulators/planner';
import { eventually as poll } from '../support/wait';
import { call, eventually, trackedRawStreams } from './support';

/**
 * The planner simulator over a flavor's and a stream's life, as the real planner behaves: a deleted
 * flavor, flavor `_`, auth checked only at connect, and its shutdown (in process and on SIGTERM).
 */
const TOKEN = 'lifecycle-token';
let sim: PlannerSimulator | undefined;
const raws = trackedRawStreams();

async function start(options: PlannerSimulatorOptions = {}): Promise<PlannerSimulator> {
  sim = await startPlannerSimulator({ token: TOKEN, resendIntervalMs: 3_600_000, ...options });
  return sim;
}

afterEach(async () => {
  raws.closeAll();
  await sim?.close();
  sim = undefined;
});

const api = (base: string, flavor: string, query = '') => `${base}/api/v1/flavors/${flavor}/pressure${query}`;

describe('a flavor deleted at the planner', () => {
  test('keeps its open streams open on {} lines, at once and on later ticks; a new connection gets 404', async () => {
    const planner = await start({ resendIntervalMs: 30 });
    planner.setPressure('small', 2);
    const small = raws.open(api(planner.url, 'small', '?stream=true'), TOKEN);
    await eventually(() => small.lines.length >= 1, 'the first line');
    planner.removeFlavor('small');
    await eventually(() => small.lines.includes('{}'), 'a {} line at once');
    const ticks = planner.stats.ticks;
    await eventually(() => small.lines.filter((line) => line === '{}').length >= 3, 'more {} lines on ticks');
    expect(planner.stats.ticks).toBeGreaterThan(ticks);
    expect(planner.stats.connectionsOpen).toBe(1);
    expect(await call(api(planner.url, 'small', '?stream=true'), { token: TOKEN })).toMatchObject({
      status: 404,
      text: 'flavor not found\n',
    });
    planner.setPressure('small', 5);
    await eventually(() => small.lines.at(-1) === '{"small":5}', 'the value again once the flavor is back');
  });
});

describe('flavor _', () => {
  test('answers one object holding every flavor, one-shot and streamed', async () => {
    const planner = await start();
    planner.setPressure('large', 1);
    planner.setPressure('small', 0);
    expect(await call(api(planner.url, '_'), { token: TOKEN })).toMatchObject({
      status: 200,
      text: '{"large":1,"small":0}',
    });
    const all = raws.open(api(planner.url, '_', '?stream=true'), TOKEN);
    await eventually(() => all.lines.length === 1, 'the first line');
    expect(all.lines).toEqual(['{"large":1,"small":0}']);
    planner.setPressure('small', 4);
    planner.removeFlavor('large');
    await eventually(() => all.lines.length === 3, 'a line per change');
    expect(all.lines.slice(1)).toEqual(['{"large":1,"small":4}', '{"small":4}']);
  });
});

describe('auth', () => {
  test('is checked only at connect: a revoked token streams on until its next connect', async () => {
    const planner = await start();
    planner.setPressure('small', 1);
    const old = raws.open(api(planner.url, 'small', '?stream=true'), TOKEN);
    await eventually(() => old.lines.length === 1, 'the first line');
    planner.setTokens(['rotated-token']);
    planner.setPressure('small', 2);
    await eventually(() => old.lines.at(-1) === '{"small":2}', 'a change on the revoked stream');
    expect((await call(api(planner.url, 'small', '?stream=true'), { token: TOKEN })).status).toBe(401);
    const rotated = raws.open(api(planner.url, 'small', '?stream=true'), 'rotated-token');
    await eventually(() => rotated.lines.length === 1, 'the rotated token streaming');
  });
});

/** The raw bytes of a stream over a plain socket: chunked framing included, to see how it ends. */
function rawSocketStream(base: string, flavor: string) {
  const { port } = new URL(base);
  const socket = net.connect(Number(port), '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk) => received.push(chunk));
  socket.write(
    `GET /api/v1/flavors/${flavor}/pressure?stream=true HTTP/1.1\r\nHost: planner\r\n` +
      `Authorization: Bearer ${TOKEN}\r\n\r\n`,
  );
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { text: () => Buffer.concat(received).toString('latin1'), closed };
}

const refused = (url: string) =>
  request(url, { headers: { authorization: `Bearer ${TOKEN}` } }).then(
    async (response) => {
      await response.body.dump();
      return `HTTP ${response.statusCode}`;
    },
    (err: { code?: string }) => err.code,
  );

describe('shutdown', () => {
  test('refuses new connections at once, keeps streams flowing for the grace, then cuts them without the final chunk', async () => {
    const planner = await start();
    planner.setPressure('small', 1);
    const stream = rawSocketStream(planner.url, 'small');
    await eventually(() => stream.text().includes('{"small":1}'), 'the first line');
    const shutdown = planner.shutdown(500);
    expect(await refused(api(planner.url, 'small', '?stream=true'))).toBe('ECONNREFUSED');
    planner.setPressure('small', 2);
    await eventually(() => stream.text().includes('{"small":2}'), 'a change after new connections were refused');
    await stream.closed;
    await shutdown;
    expect(stream.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*transfer-encoding: chunked/i);
    // The terminating zero-length chunk never came: the socket was cut mid-body.
    expect(stream.text()).not.toMatch(/\r\n0\r\n\r\n$/);
  });

  test('as its own process: SIGTERM refuses new connections at once and exits once the grace is over', async () => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        'simulators/planner/main.ts',
        ...['--port', '0', '--token', TOKEN, '--pressure', 'small=3', '--shutdown-grace-ms', '1000'],
      ],
      { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8');
        child.stdout.once('data', (text: string) => resolve(text.trim()));
        child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const small = raws.open(api(url, 'small', '?stream=true'), TOKEN);
      await eventually(() => small.lines.length === 1, 'the seeded value', 10_000);
      const answer = await request(`${url}/control/flavors/small/pressure`, {
        method: 'PUT',
        body: JSON.stringify({ pressure: 8 }),
      });
      await answer.body.dump();
      expect(answer.statusCode).toBe(200);
      await eventually(() => small.lines.at(-1) === '{"small":8}', 'the value set through the control API');
      let cut = false;
      void small.ended.then(() => (cut = true));
      child.kill('SIGTERM');
      await poll(
        () => refused(api(url, 'small')),
        (answer) => answer === 'ECONNREFUSED',
        { what: 'new connections refused', intervalMs: 10 },
      );
      const cutBeforeRefusal = cut;
      // The open stream is cut after the grace, without its final chunk: the body fails, it does not end.
      expect(await small.ended).toBeInstanceOf(Error);
      expect(cutBeforeRefusal).toBe(false);
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('a planner host that goes down and comes back', () => {
  test('goDown refuses connections and cuts open streams; comeBack serves the same flavors on the same port', async () => {
    const planner = await start();
    planner.setPressure('small', 3);
    const stream = raws.open(api(planner.url, 'small', '?stream=true'), TOKEN);
    await eventually(() => stream.lines.length >= 1, 'the first line');
    await planner.goDown();
    expect(await stream.ended).toBeDefined(); // cut, not ended cleanly
    await expect(call(api(planner.url, 'small'), { token: TOKEN })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await planner.comeBack();
    expect(await call(api(planner.url, 'small'), { token: TOKEN })).toMatchObject({ status: 200, text: '{"small":3}' });
  });

  test('dropStreams cuts every open stream and the planner stays up', async () => {
    const planner = await start();
    planner.setPressure('small', 1);
    const first = raws.open(api(planner.url, 'small', '?stream=true'), TOKEN);
    await eventually(() => first.lines.length >= 1, 'the first line');
    planner.dropStreams();
    expect(await first.ended).toBeDefined();
    const second = raws.open(api(planner.url, 'small', '?stream=true'), TOKEN);
    await eventually(() => second.lines.length >= 1, 'a new stream');
    expect(planner.stats.connectionsOpened).toBe(2);
  });
});
