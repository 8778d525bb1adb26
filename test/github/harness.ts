import { generateKeyPairSync, sign } from 'node:crypto';
import {
  createGitHubRunnerClient,
  type GitHubRunnerClient,
  type GitHubRunnerClientOptions,
} from '../../activities/github/client';
import type { GitHubSimulator } from '../../simulators/github';
import { eventually } from '../support/wait';

/** A client of the simulator; rate-limit warnings go to `warnings` instead of the console. */
export function clientOf(
  simulator: GitHubSimulator,
  overrides: Partial<GitHubRunnerClientOptions> = {},
  warnings: string[] = [],
): GitHubRunnerClient {
  return createGitHubRunnerClient({
    auth: { kind: 'token', token: simulator.token },
    scope: { org: simulator.org },
    baseUrl: simulator.url,
    log: { warn: (message) => warnings.push(message) },
    ...overrides,
  });
}

/** An App key pair; jsonwebtoken (inside @octokit/auth-app) wants RSA of 2048 bits at least. */
export function appKeyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** An RS256 JWT made by hand, for claims @octokit/auth-app would never sign. */
export function signJwt(privateKey: string, claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`rejected with a non-Error: ${String(err)}`);
  }
  throw new Error('expected a rejection');
}

export async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  await eventually(async () => condition(), Boolean, { timeoutMs, intervalMs: 10 });
}

export async function timed<T>(run: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  const started = Date.now();
  const result = await run();
  return { result, elapsedMs: Date.now() - started };
}
