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

test("GitHub's endpoint budget: GitHub.com's by default, a GitHub Enterprise Server's from the environment", () => {
  expect(load(github).github.endpointPointsPerMinute).toBeUndefined();
  expect(load({ ...github, GITHUB_ENDPOINT_POINTS_PER_MINUTE: '5000' }).github.endpointPointsPerMinute).toBe(5000);
});

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
  [
    'an endpoint budget below one POST',
    { ...github, GITHUB_ENDPOINT_POINTS_PER_MINUTE: '4' },
    'github.endpointPointsPerMinute',
  ],
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

describe('the webhook intake', () => {
  const flavorsFile = `
flavors:
  planned: { mode: planner, labels: [planned] }
  small: { mode: reactive, labels: [small], maxRunners: 5 }
`;
  Object.assign(files, {
    '/etc/flavors.yaml': flavorsFile,
    '/etc/planned-only.yaml': 'flavors:\n  planned: { mode: planner }\n',
    '/etc/bad-flavors.yaml': 'flavors:\n  small: { mode: sometimes }\n',
    '/run/secrets/webhook': 'whsec-from-file\n',
    '/intake.yaml': 'intake:\n  secretFile: /run/secrets/webhook\n  flavorsFile: /etc/flavors.yaml\n',
    '/intake-custom.yaml':
      'intake:\n  port: 9000\n  host: 127.0.0.1\n  path: /hooks/github\n  flavorsFile: /etc/flavors.yaml\n',
  });
  /** A config file of its own for each case: test.each builds its rows before any test runs. */
  const intakeFile = (fields: string) => {
    const path = `/intake-${Object.keys(files).length}.yaml`;
    files[path] = `intake:\n${fields}`;
    return path;
  };

  test('defaults, the secret from its file and the flavors from theirs, in the file’s order', () => {
    expect(load(github, '/intake.yaml').intake).toEqual({
      port: 8080,
      host: '0.0.0.0',
      path: '/webhook',
      secret: 'whsec-from-file',
      secretFile: '/run/secrets/webhook',
      flavors: [
        { flavor: 'planned', mode: 'planner', labels: ['planned'] },
        { flavor: 'small', mode: 'reactive', labels: ['small'], maxRunners: 5 },
      ],
    });
  });

  test('GITHUB_WEBHOOK_SECRET gives the secret, and wins over the file', () => {
    const custom = load({ ...github, GITHUB_WEBHOOK_SECRET: 'whsec-env' }, '/intake-custom.yaml').intake;
    expect(custom).toMatchObject({ port: 9000, host: '127.0.0.1', path: '/hooks/github', secret: 'whsec-env' });
    expect(load({ ...github, GITHUB_WEBHOOK_SECRET: 'whsec-env' }, '/intake.yaml').intake?.secret).toBe('whsec-env');
  });

  test('no intake section: no intake, whatever the environment says', () => {
    expect(load({ ...github, GITHUB_WEBHOOK_SECRET: 'whsec-env' }).intake).toBeUndefined();
  });

  test.each([
    ['no secret at all', '/intake-custom.yaml', 'intake: a webhook secret is required (GITHUB_WEBHOOK_SECRET'],
    [
      'an unreadable secret file',
      intakeFile('  secretFile: /run/secrets/none\n  flavorsFile: /etc/flavors.yaml\n'),
      'intake.secretFile: cannot read /run/secrets/none (ENOENT)',
    ],
    ['no flavors file', intakeFile('  secretFile: /run/secrets/webhook\n'), 'intake.flavorsFile: '],
  ])('%s is refused, naming it', (_name, path, message) => {
    expect(problemsOf(github, path)).toContain(message);
  });

  test.each([
    [
      'a missing flavors file',
      '  flavorsFile: /etc/none.yaml\n',
      'intake.flavorsFile: cannot read /etc/none.yaml (ENOENT)',
    ],
    ['an invalid flavors file', '  flavorsFile: /etc/bad-flavors.yaml\n', 'flavors.small: mode must be one of'],
    [
      'a flavors file without a reactive flavor',
      '  flavorsFile: /etc/planned-only.yaml\n',
      'intake.flavorsFile: no flavor in /etc/planned-only.yaml has mode reactive',
    ],
    ['a path that is no path', '  path: webhook\n  flavorsFile: /etc/flavors.yaml\n', 'intake.path: must be a path'],
    ['a port out of range', '  port: 70000\n  flavorsFile: /etc/flavors.yaml\n', 'intake.port: '],
    ['an unknown field', '  secret: inline\n  flavorsFile: /etc/flavors.yaml\n', 'intake: Unrecognized key: "secret"'],
  ])('%s is refused, naming it', (_name, fields, message) => {
    const path = intakeFile(fields);
    expect(problemsOf({ ...github, GITHUB_WEBHOOK_SECRET: 'whsec-env' }, path)).toContain(message);
  });

  test('the secret is never in a message', () => {
    const message = problemsOf(
      { GITHUB_WEBHOOK_SECRET: 'whsec-env-secret' },
      intakeFile('  secretFile: /run/secrets/webhook\n  flavorsFile: /etc/planned-only.yaml\n'),
    );
    expect(message).toContain('has mode reactive');
    expect(message).not.toContain('whsec-env-secret');
    expect(message).not.toContain('whsec-from-file');
  });
});

describe('a pool of GitHub credentials (github.credentials)', () => {
  Object.assign(files, {
    '/run/secrets/github-2': 'ghp_second\n',
    '/run/secrets/github-again': 'ghp_secret\n',
  });
  const poolFile = (credentials: string) => {
    const path = `/pool-${Object.keys(files).length}.yaml`;
    files[path] = `github:\n  org: acme\n  credentials:\n${credentials}`;
    return path;
  };

  test('tokens and Apps, in the order listed, each secret read from its file', () => {
    const path = poolFile(
      [
        '    - tokenFile: /run/secrets/github',
        '    - app: { appId: 12, installationId: 34, privateKeyFile: /run/secrets/app.pem }',
        '    - tokenFile: /run/secrets/github-2',
        '',
      ].join('\n'),
    );
    expect(load({}, path).github.auth).toEqual([
      { kind: 'token', token: 'ghp_secret', tokenFile: '/run/secrets/github' },
      {
        kind: 'app',
        appId: 12,
        installationId: 34,
        privateKey: files['/run/secrets/app.pem'].trim(),
        privateKeyFile: '/run/secrets/app.pem',
      },
      { kind: 'token', token: 'ghp_second', tokenFile: '/run/secrets/github-2' },
    ]);
  });

  test.each([
    [
      'a pool and GITHUB_TOKEN',
      { GITHUB_TOKEN: 'ghp_env' },
      '    - tokenFile: /run/secrets/github\n',
      'github: set either credentials or one token or app',
    ],
    ['an empty list', {}, '    []\n', 'github.credentials: must list one credential or more'],
    [
      'an entry with neither',
      {},
      '    - tokenFile: /run/secrets/github\n    - {}\n',
      'github.credentials.1: set exactly one of tokenFile and app',
    ],
    [
      'an entry with both',
      {},
      '    - tokenFile: /run/secrets/github\n      app: { appId: 1, installationId: 2, privateKeyFile: /run/secrets/app.pem }\n',
      'github.credentials.0: set exactly one of tokenFile and app',
    ],
    ['an unknown field', {}, '    - token: ghp_inline\n', 'github.credentials.0: Unrecognized key: "token"'],
    [
      'an unreadable token file',
      {},
      '    - tokenFile: /run/secrets/none\n',
      'github.credentials.0.tokenFile: cannot read /run/secrets/none (ENOENT)',
    ],
    [
      'an empty key file',
      {},
      '    - app: { appId: 1, installationId: 2, privateKeyFile: /run/secrets/empty }\n',
      'github.credentials.0.app.privateKeyFile: file /run/secrets/empty is empty',
    ],
    [
      'one token twice',
      {},
      '    - tokenFile: /run/secrets/github\n    - tokenFile: /run/secrets/github-again\n',
      'github.credentials.1: the same credential (token:',
    ],
  ])('%s is refused, naming it', (_name, env, credentials, message) => {
    const text = problemsOf({ ...env }, poolFile(credentials));
    expect(text).toContain(message);
    expect(text).not.toContain('ghp_secret');
    expect(text).not.toContain('ghp_env');
  });
});
