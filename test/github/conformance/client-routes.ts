import { Octokit } from '@octokit/rest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every REST route the GitHub client can call, read from its code rather than listed by hand, so that a
 * route added to the client without a conformance check fails the test: the `octokit.rest.actions.*`
 * methods and the "METHOD /path" routes its sources name (activities/github/), each method resolved to
 * its route by Octokit itself, and the routes of @octokit/auth-app, which the App credential runs
 * through (its installation token).
 */
export function clientRoutes(): string[] {
  const dir = join(__dirname, '../../../activities/github');
  const sources = readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(dir, file), 'utf8'));
  const actions = new Octokit().rest.actions as unknown as Record<
    string,
    { endpoint?: { DEFAULTS: { method: string; url: string } } }
  >;
  const fromMethods = sources.flatMap((source) =>
    [...source.matchAll(/\bactions\.(\w+)\b/g)].flatMap(([, name]) => {
      const defaults = actions[name]?.endpoint?.DEFAULTS;
      return defaults ? [`${defaults.method} ${defaults.url}`] : [];
    }),
  );
  const appAuth = readFileSync(require.resolve('@octokit/auth-app'), 'utf8');
  const literal = [...sources, appAuth].flatMap((source) =>
    [...source.matchAll(/['"`]((?:GET|POST|PUT|PATCH|DELETE) \/[^'"`\s]*)['"`]/g)].map(([, route]) => route),
  );
  return [...new Set([...fromMethods, ...literal])].sort();
}
