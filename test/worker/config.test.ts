import { ConfigError, loadWorkerConfig } from '../../worker/config/load';

/** Worker configuration: the file, the environment over it, and every class of error named. */
const files: Record<string, string> = {
  '/etc/autoscaler.yaml': `
temporal:
  address: temporal.example:7233
  namespace: ci
planner:
  url: https://planner.example
  tokenFile: /run/secrets/planner
github:
  org: acme
  tokenFile: /run/secrets/github
openstack:
  securityGroups: [runners]
`,
  '/run/secrets/planner': 'planner-secret\n',
  '/run/secrets/github': 'ghp_secret\n',
  '/run/secrets/empty': '\n',
  '/run/secrets/app.pem': '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n',
};
const readFile = (path: string) => {
  if (!(path in files)) throw Object.assign(new Error(`ENOENT ${path}`), { code: 'ENOENT' });
  return files[path];
};
const openstackEnv = {
  OS_AUTH_URL: 'https://keystone.example/v3',
  OS_USERNAME: 'autoscaler',
  OS_PASSWORD: 'os-secret',
  OS_PROJECT_NAME: 'runners',
  OS_USER_DOMAIN_NAME: 'Default',
  OS_PROJECT_DOMAIN_NAME: 'Default',
};
const load = (env: Record<string, string | undefined>, path?: string) =>
  loadWorkerConfig({ env: { ...openstackEnv, ...env }, path, readFile });

function problemsOf(env: Record<string, string | undefined>, path?: string): string {
  try {
    load(env, path);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
}

test('a file with secrets by path, and the environment over it', () => {
  const config = load({ TEMPORAL_NAMESPACE: 'override' }, '/etc/autoscaler.yaml');
  expect(config).toMatchObject({
    managerId: 'runner-autoscaler',
    temporal: { address: 'temporal.example:7233', namespace: 'override', taskQueue: 'runner-autoscaler' },
    planner: { url: 'https://planner.example', token: 'planner-secret' },
    github: { baseUrl: 'https://api.github.com', scope: { org: 'acme' }, auth: { kind: 'token', token: 'ghp_secret' } },
    openstack: { securityGroups: ['runners'] },
  });
  expect(config.openstack.credentials.authType).toBe('password');
});

test('environment alone: static flavors only when there is no planner', () => {
  const config = load({ GITHUB_REPOSITORY: 'acme/widgets', GITHUB_TOKEN: 'ghp_env' });
  expect(config.planner).toBeUndefined();
  expect(config.github.scope).toEqual({ owner: 'acme', repo: 'widgets' });
});

test('a GitHub App from the environment', () => {
  const config = load({
    GITHUB_ORG: 'acme',
    GITHUB_APP_ID: '12',
    GITHUB_APP_INSTALLATION_ID: '34',
    GITHUB_APP_PRIVATE_KEY_FILE: '/run/secrets/app.pem',
  });
  expect(config.github.auth).toMatchObject({ kind: 'app', appId: 12, installationId: 34 });
});

const github = { GITHUB_ORG: 'acme', GITHUB_TOKEN: 'ghp_env' };

test.each([
  [
    'planner URL without a token',
    { ...github, PLANNER_URL: 'https://planner.example' },
    'planner: a URL is set but no token',
  ],
  ['planner token without a URL', { ...github, PLANNER_TOKEN: 'x' }, 'planner: a token is set but no URL'],
  [
    'planner URL that is not a URL',
    { ...github, PLANNER_URL: 'planner', PLANNER_TOKEN: 'x' },
    'planner.url: must be an http(s) URL',
  ],
  ['no GitHub at all', {}, 'github: required'],
  ['both org and repository', { ...github, GITHUB_REPOSITORY: 'a/b' }, 'github: set exactly one of org and repository'],
  [
    'a repository without owner',
    { GITHUB_REPOSITORY: 'widgets', GITHUB_TOKEN: 'x' },
    'github.repository: must be owner/repo',
  ],
  ['no GitHub credential', { GITHUB_ORG: 'acme' }, 'github: set exactly one of a token'],
  [
    'an App with a bad id',
    { GITHUB_ORG: 'acme', GITHUB_APP_ID: 'twelve', GITHUB_APP_INSTALLATION_ID: '1', GITHUB_APP_PRIVATE_KEY_FILE: '/k' },
    'github.app.appId',
  ],
  ['no OpenStack credentials', { ...github, OS_AUTH_URL: undefined }, 'openstack: '],
  ['a bad manager id', { ...github, RUNNER_AUTOSCALER_MANAGER_ID: 'Bad Name' }, 'managerId: must be lowercase'],
])('%s is refused, naming the field', (_name, env, message) => {
  expect(problemsOf(env)).toContain(message);
});

test.each([
  ['a missing file', '/nope.yaml', 'config file /nope.yaml: cannot read it (ENOENT)'],
  ['an unknown field', '/unknown.yaml', 'github: Unrecognized key: "tokn"'],
  ['invalid YAML', '/broken.yaml', 'config file /broken.yaml: not valid YAML'],
  ['an unreadable secret file', '/missing-secret.yaml', 'planner.tokenFile: cannot read /run/secrets/none (ENOENT)'],
  ['an empty secret file', '/empty-secret.yaml', 'planner.tokenFile: file /run/secrets/empty is empty'],
])('%s is refused, naming it', (_name, path, message) => {
  files['/unknown.yaml'] = 'github:\n  org: acme\n  tokn: x\n';
  files['/broken.yaml'] = 'github: [unclosed\n';
  files['/missing-secret.yaml'] = 'planner:\n  url: https://p.example\n  tokenFile: /run/secrets/none\n';
  files['/empty-secret.yaml'] = 'planner:\n  url: https://p.example\n  tokenFile: /run/secrets/empty\n';
  expect(problemsOf(github, path)).toContain(message);
});

test('every problem is listed at once, and no secret is in the message', () => {
  const message = problemsOf({ PLANNER_TOKEN: 'planner-secret', GITHUB_TOKEN: 'ghp_secret' });
  expect(message).toContain('planner: a token is set but no URL');
  expect(message).toContain('github: required');
  expect(message).not.toContain('planner-secret');
  expect(message).not.toContain('ghp_secret');
  expect(message).not.toContain('os-secret');
});
