import { randomBytes, randomUUID } from 'node:crypto';
import type { Runner } from './runners';

/** Just-in-time runner configurations: the ones issued, and whether a VM booted with each already. */

const base64Json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

export class JitConfigs {
  /** JIT config secret → its runner, and whether a VM booted with it already. */
  readonly #issued = new Map<string, { runnerId: number; used: boolean }>();
  /** Every config as issued, for a test that searches logs and histories for them. */
  readonly encoded: string[] = [];

  /** Base64 of a JSON shaped like GitHub's: the secret inside is what makes it valid, here only. */
  encode(runner: Runner, workFolder: string, baseUrl: string): string {
    const secret = randomBytes(32).toString('base64');
    this.#issued.set(secret, { runnerId: runner.id, used: false });
    const encoded = base64Json({
      '.runner': base64Json({
        AgentId: String(runner.id),
        AgentName: runner.name,
        PoolId: String(runner.groupId),
        ServerUrl: `${baseUrl}/_runner/${runner.scope.key}`,
        GitHubUrl: `https://github.com/${runner.scope.key.replace(/^(orgs|repos)\//, '')}`,
        WorkFolder: workFolder,
        Ephemeral: 'true',
      }),
      '.credentials': base64Json({
        Scheme: 'OAuthAccessToken',
        Data: {
          ClientId: randomUUID(),
          AuthorizationUrl: `${baseUrl}/_runner/token`,
          RequireFipsCryptography: 'False',
        },
      }),
      '.credentials_rsaparams': base64Json({ d: secret, exponent: 'AQAB' }),
    });
    this.encoded.push(encoded);
    return encoded;
  }

  /** What this simulator issued as `encoded`, or undefined for anything else. */
  lookup(encoded: string): { runnerId: number; used: boolean } | undefined {
    const secret = secretOf(encoded);
    return secret === undefined ? undefined : this.#issued.get(secret);
  }
}

function secretOf(encoded: string): string | undefined {
  try {
    const outer = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as Record<string, string>;
    const params = JSON.parse(Buffer.from(outer['.credentials_rsaparams'], 'base64').toString('utf8')) as {
      d?: unknown;
    };
    return typeof params.d === 'string' ? params.d : undefined;
  } catch {
    return undefined;
  }
}
