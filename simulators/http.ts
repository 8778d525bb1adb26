import type { IncomingMessage, Server } from 'node:http';
import { setMaxListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * HTTP plumbing the planner, OpenStack and GitHub simulators share: reading a request body, parsing it
 * as JSON, listening on a port, closing with every socket, and exiting on a signal when run on their own.
 * Each simulator keeps its own wire format: how it writes an answer, its error bodies and its faults.
 */

/** An answer as a handler returns it; each simulator writes it in its service's format. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A request the client got wrong: answered 400 with this message. */
export class BadRequest extends Error {}

/** The body as UTF-8 text; past maxBytes it stops reading and throws a BadRequest ('body too large'). */
export async function readBody(req: IncomingMessage, maxBytes = Infinity): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req) {
    bytes += (chunk as Buffer).length;
    if (bytes > maxBytes) throw new BadRequest('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON.parse, with a BadRequest for text that is not JSON (the empty text included). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('body is not JSON');
  }
}

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Waits ms; false when the signal aborted the wait (the simulator is closing). */
export function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  // Every injected delay in flight listens on the simulator's one closing signal: hundreds at a burst.
  setMaxListeners(0, signal);
  return sleep(ms, true, { signal }).catch(() => false);
}

/**
 * Listens on port (0: any free one) and host; resolves with the port bound. The accept backlog is
 * raised from Node's 511: a thousand flavors connect their streams at once, and a dropped SYN costs a
 * second or more of retransmission.
 */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: 4096 }, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Stops listening and destroys every connection, idle or not, streams included. */
export function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

/** For a simulator run as its own process: close it and exit on SIGINT or SIGTERM. */
export function exitOnSignals(simulator: { close(): Promise<void> }): void {
  const stop = () => void simulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
