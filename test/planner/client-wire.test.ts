import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlannerClient, type PlannerClientOptions, type PlannerStreamErrorKind } from '../../activities/planner/client';
import { eventually, sleep, streamFailure, trackedStreams, type Watch } from './support';

/**
 * The client against a bare node:http server whose writes the test controls byte by byte: the wire
 * details the simulator does not produce (CRLF, one-byte chunks, odd error bodies).
 */

const TOKEN = 'wire-secret-token-4567';

let server: http.Server | undefined;
const streams = trackedStreams();
const stream = streams.stream;
const requests: { url?: string; authorization?: string }[] = [];

async function serve(
  handler: (res: http.ServerResponse) => Promise<void> | void,
  options: Partial<PlannerClientOptions> = {},
): Promise<PlannerClient> {
  server = http.createServer((req, res) => {
    requests.push({ url: req.url, authorization: req.headers.authorization });
    void Promise.resolve(handler(res)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new PlannerClient({ baseUrl: `http://127.0.0.1:${port}/`, token: TOKEN, ...options });
}

const streamError = (watched: Watch) => streamFailure(watched, TOKEN);

const ndjsonHead = (res: http.ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  res.flushHeaders();
};

afterEach(async () => {
  streams.abortAll();
  requests.splice(0);
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('PlannerClient on the wire', () => {
  test('lines arriving one byte at a time, through a multi-byte flavor name', async () => {
    const client = await serve(async (res) => {
      ndjsonHead(res);
      for (const byte of Buffer.from('{"größe": 1}\n{"größe": 2}\n')) {
        res.write(Buffer.of(byte));
        await sleep(1);
      }
    });
    const größe = stream(client, 'größe');
    await eventually(() => größe.values.length === 2, 'both values');
    expect(größe.values).toEqual([1, 2]);
    expect(requests).toEqual([
      { url: '/api/v1/flavors/gr%C3%B6%C3%9Fe/pressure?stream=true', authorization: `Bearer ${TOKEN}` },
    ]);
  });

  test('CRLF line ends and blank lines', async () => {
    const client = await serve((res) => {
      ndjsonHead(res);
      res.write('{"small": 1}\r\n\r\n\n{"small": 2}\r\n');
    });
    const small = stream(client, 'small');
    await eventually(() => small.lines === 4, 'four lines');
    expect(small.values).toEqual([1, 2]);
    expect(Object.values(client.skipped).every((count) => count === 0)).toBe(true);
  });

  test('a last line without newline is read before the end of the stream loses it', async () => {
    const client = await serve((res) => {
      ndjsonHead(res);
      res.end('{"small": 3}\n{"small": 4}');
    });
    const small = stream(client, 'small');
    const err = await streamError(small);
    expect(err.kind).toBe('lost');
    expect(err.message).toMatch(/ended the stream/);
    expect(small.values).toEqual([3, 4]);
  });

  test('an over-long line is skipped while it streams in, and the next line is read', async () => {
    const client = await serve(async (res) => {
      ndjsonHead(res);
      for (let i = 0; i < 32; i += 1) {
        res.write(`${i === 0 ? '{"small": 1, "padding": "' : ''}${'x'.repeat(32 * 1024)}`);
        await sleep(1);
      }
      res.write('"}\n{"small": 5}\n');
    });
    const small = stream(client, 'small');
    await eventually(() => small.values.length === 1, 'the line after the long one');
    expect(small.values).toEqual([5]);
    expect(small.lines).toBe(2);
    expect(client.skipped['line-too-long']).toBe(1);
  });

  test('a planner echoing the token in its error body does not get it into the message', async () => {
    const client = await serve((res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end(`token ${TOKEN} is not valid`);
    });
    const err = await streamError(stream(client, 'small'));
    expect(err.kind).toBe('unauthorized');
    expect(err.message).toContain('HTTP 401 token [redacted] is not valid');
  });

  test('an endless error body is cut to an excerpt', async () => {
    const client = await serve(async (res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      for (let i = 0; i < 1000 && !res.destroyed; i += 1) {
        res.write('overloaded '.repeat(20));
        await sleep(5);
      }
    });
    const err = await streamError(stream(client, 'small'));
    expect(err.kind).toBe('transient');
    expect(err.status).toBe(500);
    expect(err.message.length).toBeLessThan(500);
  });

  test('a silent error body still fails with its status, once the connect timeout cuts it', async () => {
    const client = await serve(
      (res) => {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.flushHeaders();
      },
      { connectTimeoutMs: 300 },
    );
    const err = await streamError(stream(client, 'small', 60_000));
    expect(err.kind).toBe('transient');
    expect(err.status).toBe(503);
  });

  // The real planner's bodies exactly (text/plain, a trailing newline), and bodies it never sends.
  test.each<[number, string, PlannerStreamErrorKind, string]>([
    [400, 'invalid authorization header', 'unauthorized', 'the planner refused the Authorization header'],
    [400, 'bad request', 'transient', ''],
    [401, 'unauthorized', 'unauthorized', 'check the planner token'],
    [403, 'forbidden', 'unauthorized', 'check the planner token'],
    [404, 'flavor not found', 'not-found', 'no such flavor at the planner'],
    [404, '404 page not found', 'not-found', 'is the URL the planner API?'],
    [405, 'method not allowed', 'transient', ''],
    [500, 'failed to verify auth token', 'transient', 'the planner cannot check tokens: its database is down?'],
    [500, 'internal server error', 'transient', ''],
    [502, '<html>bad gateway</html>', 'transient', ''],
  ])('HTTP %d %j is %s', async (status, body, kind, hint) => {
    const client = await serve((res) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${body}\n`);
    });
    const err = await streamError(stream(client, 'small'));
    expect(err).toMatchObject({ kind, status });
    expect(err.message).toContain(`HTTP ${status} ${body}`);
    if (hint) expect(err.message).toContain(`(${hint})`);
    else expect(err.message.endsWith(`HTTP ${status} ${body}`)).toBe(true);
  });

  test('lines before the first value that hold other flavors only: not-found, nothing delivered', async () => {
    const client = await serve((res) => {
      ndjsonHead(res);
      res.write('{"large": 1, "small ": 2}\n');
    });
    const small = stream(client, 'small');
    const err = await streamError(small);
    expect(err.kind).toBe('not-found');
    expect(small.values).toEqual([]);
  });
});
