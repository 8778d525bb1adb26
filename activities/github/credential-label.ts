import { createHash } from 'node:crypto';
import type { GitHubAuth } from './octokit';

/**
 * A credential's name where it may be seen (metrics labels, log lines), never its secret: an App by its
 * id ("app:12345"), a token by the first 12 hex digits of its SHA-256 ("token:3f2a…"), which tells two
 * tokens apart and says nothing of either. A rotated token keeps the label of the first read: it is the
 * same account's, and GitHub counts its budget per account.
 */
export function credentialLabel(auth: GitHubAuth): string {
  if (auth.kind === 'app') return `app:${auth.appId}`;
  const token = typeof auth.token === 'function' ? auth.token() : auth.token;
  return `token:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
}
