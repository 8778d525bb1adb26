import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Reply } from '../http';

/** GitHub's wire format: how a route sees a request, error bodies, and how answers are written. */

const documentationUrl = 'https://docs.github.com/rest';
export const secondaryMessage =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
  'If you reach out to GitHub Support for help, please include the request ID.';

export interface Context {
  params: Record<string, string | undefined>;
  url: URL;
  body: unknown;
}

export interface Route {
  method: string;
  pattern: RegExp;
  template: (params: Record<string, string | undefined>) => string;
  auth: 'token' | 'jwt';
  handle: (context: Context) => Reply;
}

export const failure = (status: number, message: string): Reply => ({
  status,
  body: { message, documentation_url: documentationUrl, status: String(status) },
});

/** Thrown by a handler to answer with a GitHub error. */
export class Refusal extends Error {
  constructor(readonly reply: Reply) {
    super((reply.body as { message: string }).message);
  }
}

export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { 'x-github-request-id': randomRequestId(), ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
  } else if (typeof reply.body === 'string') {
    res.writeHead(reply.status, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(reply.body);
  } else {
    res.writeHead(reply.status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(reply.body));
  }
}

function randomRequestId(): string {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex').toUpperCase();
  return `${hex(2)}:${hex(3)}:${hex(4)}:${hex(4)}:${hex(4)}`;
}
