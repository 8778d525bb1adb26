import { credentialLabel } from '../../activities/github/credential-label';
import type { WorkerConfigFile } from './schema';
import type { SecretReader } from './secret-source';

/** One GitHub credential as configured: its secret as read at start, and the file it came from, if one. */
export type WorkerGitHubAuth =
  | { kind: 'token'; token: string; tokenFile?: string }
  | { kind: 'app'; appId: number; installationId: number; privateKey: string; privateKeyFile?: string };

type GitHubSection = NonNullable<WorkerConfigFile['github']>;
type CredentialEntry = Pick<GitHubSection, 'tokenFile' | 'app'>;

/**
 * The section's credentials: the single one (GITHUB_TOKEN, github.tokenFile or an app) as one auth, as
 * before, or `github.credentials`, a pool, as a list. Every problem goes to `problems`, naming its field.
 */
export function resolveGitHubAuth(
  github: GitHubSection,
  envToken: string | undefined,
  secret: SecretReader,
  problems: string[],
): WorkerGitHubAuth | WorkerGitHubAuth[] | undefined {
  const { credentials } = github;
  if (!credentials) {
    const configured = Boolean(envToken || github.tokenFile) !== Boolean(github.app);
    if (!configured) problems.push('github: set exactly one of a token (GITHUB_TOKEN or github.tokenFile) and an app');
    return configured ? resolveOne('github', github, envToken, secret) : undefined;
  }
  if (envToken || github.tokenFile || github.app) {
    problems.push(
      'github: set either credentials or one token or app (GITHUB_TOKEN, GITHUB_APP_*, github.tokenFile, github.app), not both',
    );
  }
  const resolved = credentials.map((entry, index) => {
    const name = `github.credentials.${index}`;
    if (Boolean(entry.tokenFile) === Boolean(entry.app)) {
      problems.push(`${name}: set exactly one of tokenFile and app`);
      return undefined;
    }
    return resolveOne(name, entry, undefined, secret);
  });
  const labels = resolved.map((auth) => auth && credentialLabel(auth));
  labels.forEach((label, index) => {
    const first = labels.indexOf(label);
    if (label && first < index) {
      problems.push(`github.credentials.${index}: the same credential (${label}) as github.credentials.${first}`);
    }
  });
  const all = resolved.filter((auth): auth is WorkerGitHubAuth => auth !== undefined);
  return all.length === credentials.length ? all : undefined;
}

/** `name` is where the credential is configured: its secret's field names start with it. */
function resolveOne(
  name: string,
  { tokenFile, app }: CredentialEntry,
  envToken: string | undefined,
  secret: SecretReader,
): WorkerGitHubAuth | undefined {
  if (app) {
    const privateKey = secret(`${name}.app.privateKeyFile`, undefined, app.privateKeyFile);
    return privateKey ? { kind: 'app', ...app, privateKey } : undefined;
  }
  const token = secret(`${name}.tokenFile`, envToken, tokenFile);
  const file = envToken ? undefined : tokenFile;
  return token ? { kind: 'token', token, ...(file && { tokenFile: file }) } : undefined;
}

/**
 * Each credential with the name of where it is configured: `github` for the single one, as before (its
 * /health key, and its fields github.tokenFile, github.app.privateKeyFile), `github.credentials.<n>` for
 * each of a pool.
 */
export function namedCredentials(
  auth: WorkerGitHubAuth | WorkerGitHubAuth[],
): { name: string; auth: WorkerGitHubAuth }[] {
  return Array.isArray(auth)
    ? auth.map((one, index) => ({ name: `github.credentials.${index}`, auth: one }))
    : [{ name: 'github', auth }];
}
