import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { GitHubSimulatorOptions, GitHubSimulatorStats } from './types';
import { failure, Refusal, type Route } from './wire';

/**
 * Authentication: the PAT, a GitHub App's JWT (its signature checked when the App's public key is given),
 * and the installation tokens `POST /app/installations/{installation_id}/access_tokens` trades a JWT for.
 */

export const randomToken = (prefix: string) =>
  prefix +
  randomBytes(30)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 36);

export class GitHubAuth {
  /** The PAT. */
  readonly token: string;
  /** More PATs, each a credential of its own with its own budgets: extra token → its credential name. */
  readonly #extraTokens: Map<string, string>;
  readonly #app: GitHubSimulatorOptions['app'];
  readonly #appKey: KeyObject | undefined;
  /** Installation token → when it expires (ms). */
  readonly #installationTokens = new Map<string, number>();

  constructor(options: Pick<GitHubSimulatorOptions, 'token' | 'app' | 'tokens'>) {
    this.token = options.token ?? randomToken('ghp_');
    this.#extraTokens = new Map(options.tokens?.map(({ token }, index) => [token, `pat ${index + 2}`]));
    this.#app = options.app;
    this.#appKey = options.app?.publicKeyPem ? createPublicKey(options.app.publicKeyPem) : undefined;
  }

  /** Why the request's credentials do not do for a route needing a token (PAT or installation) or a JWT. */
  problem(req: IncomingMessage, kind: Route['auth']): string | undefined {
    const presented = presentedToken(req);
    if (presented === undefined) return 'Requires authentication';
    if (kind === 'jwt') return this.#jwtProblem(presented);
    const tokenExpiry = this.#installationTokens.get(presented);
    return presented === this.token ||
      this.#extraTokens.has(presented) ||
      (tokenExpiry !== undefined && tokenExpiry > Date.now())
      ? undefined
      : 'Bad credentials';
  }

  /**
   * Whose budget a request spends, as GitHub counts its limits per credential: the PAT's ("pat"; the
   * extra tokens' "pat 2", "pat 3", …), the installation's (whichever of its tokens), or the App's own
   * (its JWTs).
   */
  credentialOf(req: IncomingMessage): string {
    const presented = presentedToken(req);
    return presented === undefined ? 'anonymous' : this.credentialOfToken(presented);
  }

  credentialOfToken(presented: string): string {
    if (presented === this.token) return 'pat';
    const extra = this.#extraTokens.get(presented);
    if (extra) return extra;
    if (this.#installationTokens.has(presented)) return `installation ${this.#app?.installationId}`;
    return `app ${this.#app?.appId}`;
  }

  /** A new installation token, valid for an hour; throws a 404 for an installation not served. */
  issueInstallationToken(installationId: number): { token: string; expiresAt: number } {
    if (installationId !== this.#app?.installationId) throw new Refusal(failure(404, 'Not Found'));
    const issued = randomToken('ghs_');
    const expiresAt = Date.now() + 3_600_000;
    this.#installationTokens.set(issued, expiresAt);
    return { token: issued, expiresAt };
  }

  /** GitHub's messages, so that @octokit/auth-app's clock-skew retry recognises the time claims. */
  #jwtProblem(jwt: string): string | undefined {
    const undecodable = 'A JSON web token could not be decoded';
    const app = this.#app;
    const parts = jwt.split('.');
    if (!app || parts.length !== 3) return undecodable;
    let header: { alg?: unknown };
    let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as typeof header;
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return undecodable;
    }
    if (header?.alg !== 'RS256' || typeof claims !== 'object' || claims === null) return undecodable;
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    const appKey = this.#appKey;
    if (appKey && !verify('sha256', signed, appKey, Buffer.from(parts[2], 'base64url'))) return undecodable;
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp } = claims;
    if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > now + 60) {
      return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
    }
    if (typeof exp !== 'number' || exp <= now) {
      return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
    }
    if (exp - iat > 600) return "'Expiration time' claim ('exp') is too far in the future";
    if (String(claims.iss) !== String(app.appId)) return 'Integration not found';
    return undefined;
  }
}

function presentedToken(req: IncomingMessage): string | undefined {
  return /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

/** `POST /app/installations/{installation_id}/access_tokens`, authenticated by the App's JWT. */
export function installationTokenRoute(auth: GitHubAuth, stats: GitHubSimulatorStats): Route {
  return {
    method: 'POST',
    pattern: /^\/app\/installations\/(?<installationId>\d+)\/access_tokens$/,
    template: () => '/app/installations/{installation_id}/access_tokens',
    auth: 'jwt',
    handle: ({ params }) => {
      const { token, expiresAt } = auth.issueInstallationToken(Number(params.installationId));
      stats.installationTokensIssued += 1;
      return {
        status: 201,
        body: {
          token,
          expires_at: new Date(expiresAt).toISOString().replace(/\.\d+Z$/, 'Z'),
          permissions: { organization_self_hosted_runners: 'write', administration: 'write' },
          repository_selection: 'all',
        },
      };
    },
  };
}
