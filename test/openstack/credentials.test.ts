import { inspect } from 'node:util';
import { loadCredentials, type CredentialSources, type OpenStackCredentials } from '../../activities/openstack';

const HOME = '/home/runner';
const CWD = '/srv/app';

/** Loads with an in-memory file system. */
function load(env: Record<string, string>, files: Record<string, string> = {}): OpenStackCredentials {
  const sources: CredentialSources = { env, readFile: (path) => files[path], cwd: CWD, homeDir: HOME };
  return loadCredentials(sources);
}

function loadError(env: Record<string, string>, files: Record<string, string> = {}): Error {
  try {
    load(env, files);
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected loadCredentials to throw');
}

const CLOUDS = `
clouds:
  prod:
    auth:
      auth_url: https://keystone.example.com:5000/v3
      username: ci-bot
      password: "s3cret pass"
      project_name: ci
      user_domain_name: Corp
      project_domain_id: corp-id
    region_name: RegionTwo
    interface: internal
  appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://keystone.example.com:5000
      application_credential_id: 0123abcd
      application_credential_secret: app-s3cret
  nopassword:
    auth:
      auth_url: https://keystone.example.com:5000/v3
      username: ci-bot
      project_id: 42
`;

const ENV = {
  OS_AUTH_URL: 'https://keystone.example.com/identity',
  OS_USERNAME: 'ci-bot',
  OS_PASSWORD: 'env-s3cret',
  OS_PROJECT_NAME: 'ci',
};

describe('clouds.yaml', () => {
  test('the entry named by OS_CLOUD, found in the working directory', () => {
    const credentials = load({ OS_CLOUD: 'prod' }, { [`${CWD}/clouds.yaml`]: CLOUDS });
    expect(credentials).toMatchObject({
      authType: 'password',
      authUrl: 'https://keystone.example.com:5000/v3',
      region: 'RegionTwo',
      interface: 'internal',
      user: { name: 'ci-bot', domainName: 'Corp' },
      project: { name: 'ci', domainId: 'corp-id' },
      source: `clouds.yaml cloud "prod" (${CWD}/clouds.yaml)`,
    });
    expect(credentials.authType === 'password' && credentials.password.reveal()).toBe('s3cret pass');
  });

  test('the standard search path: cwd, then ~/.config/openstack, then /etc/openstack', () => {
    const home = `${HOME}/.config/openstack/clouds.yaml`;
    expect(load({ OS_CLOUD: 'prod' }, { [home]: CLOUDS, '/etc/openstack/clouds.yaml': '' }).source).toContain(home);
    expect(load({ OS_CLOUD: 'prod' }, { '/etc/openstack/clouds.yaml': CLOUDS }).source).toContain('/etc/openstack');
  });

  test('OS_CLIENT_CONFIG_FILE replaces the search path', () => {
    const env = { OS_CLOUD: 'prod', OS_CLIENT_CONFIG_FILE: '/opt/clouds.yaml' };
    expect(load(env, { '/opt/clouds.yaml': CLOUDS }).source).toContain('/opt/clouds.yaml');
    expect(loadError(env, { [`${CWD}/clouds.yaml`]: CLOUDS }).message).toMatch(
      /no clouds.yaml found.*\/opt\/clouds.yaml/,
    );
  });

  test('secure.yaml beside clouds.yaml is merged over it', () => {
    const secure = 'clouds:\n  nopassword:\n    auth:\n      password: from-secure\n';
    const credentials = load(
      { OS_CLOUD: 'nopassword' },
      { [`${CWD}/clouds.yaml`]: CLOUDS, [`${CWD}/secure.yaml`]: secure },
    );
    expect(credentials.authType === 'password' && credentials.password.reveal()).toBe('from-secure');
    expect(credentials).toMatchObject({ project: { id: '42' }, user: { name: 'ci-bot', domainId: 'default' } });
  });

  test('a secret left out of the file may come from OS_PASSWORD', () => {
    const credentials = load({ OS_CLOUD: 'nopassword', OS_PASSWORD: 'from-env' }, { [`${CWD}/clouds.yaml`]: CLOUDS });
    expect(credentials.authType === 'password' && credentials.password.reveal()).toBe('from-env');
  });

  test('application credentials by id', () => {
    const credentials = load({ OS_CLOUD: 'appcred' }, { [`${CWD}/clouds.yaml`]: CLOUDS });
    expect(credentials).toMatchObject({
      authType: 'v3applicationcredential',
      applicationCredential: { id: '0123abcd' },
      interface: 'public',
    });
    expect(credentials.authType === 'v3applicationcredential' && credentials.secret.reveal()).toBe('app-s3cret');
  });

  test('an unknown cloud, a missing file and bad YAML are named', () => {
    expect(loadError({ OS_CLOUD: 'dev' }, { [`${CWD}/clouds.yaml`]: CLOUDS }).message).toMatch(
      /cloud "dev" is not in .*clouds: prod, appcred, nopassword/,
    );
    expect(loadError({ OS_CLOUD: 'dev' }).message).toMatch(/no clouds.yaml found/);
    const broken = loadError({ OS_CLOUD: 'x' }, { [`${CWD}/clouds.yaml`]: 'clouds: [\n  password: hunter2' });
    expect(broken.message).toMatch(/not valid YAML/);
    expect(broken.message).not.toContain('hunter2');
  });

  test('a missing field is named with its clouds.yaml key and source', () => {
    const err = loadError({ OS_CLOUD: 'nopassword' }, { [`${CWD}/clouds.yaml`]: CLOUDS });
    expect(err.message).toBe(
      `OpenStack credentials (clouds.yaml cloud "nopassword" (${CWD}/clouds.yaml)): auth.password (or OS_PASSWORD) is missing`,
    );
  });
});

describe('OS_* environment', () => {
  test('password credentials, the domain defaulting to "default"', () => {
    const credentials = load(ENV);
    expect(credentials).toMatchObject({
      authType: 'password',
      authUrl: 'https://keystone.example.com/identity',
      interface: 'public',
      user: { name: 'ci-bot', domainId: 'default' },
      project: { name: 'ci', domainId: 'default' },
      source: 'environment',
    });
    expect(credentials.region).toBeUndefined();
  });

  test('domains, region, interface and the legacy tenant name', () => {
    const credentials = load({
      ...ENV,
      OS_PROJECT_NAME: '',
      OS_TENANT_NAME: 'legacy',
      OS_USER_DOMAIN_ID: 'u-dom',
      OS_PROJECT_DOMAIN_NAME: 'P-Dom',
      OS_DOMAIN_ID: 'generic-dom',
      OS_REGION_NAME: 'RegionOne',
      OS_INTERFACE: 'internalURL',
    });
    expect(credentials).toMatchObject({
      user: { name: 'ci-bot', domainId: 'u-dom' },
      project: { name: 'legacy', domainName: 'P-Dom' },
      region: 'RegionOne',
      interface: 'internal',
    });
  });

  test('application credentials by name and owner', () => {
    const credentials = load({
      OS_AUTH_URL: 'https://keystone.example.com/v3',
      OS_AUTH_TYPE: 'v3applicationcredential',
      OS_APPLICATION_CREDENTIAL_NAME: 'autoscaler',
      OS_APPLICATION_CREDENTIAL_SECRET: 'app-s3cret',
      OS_USERNAME: 'ci-bot',
      OS_USER_DOMAIN_NAME: 'Corp',
    });
    expect(credentials).toMatchObject({
      authType: 'v3applicationcredential',
      applicationCredential: { name: 'autoscaler', user: { name: 'ci-bot', domainName: 'Corp' } },
    });
  });

  test.each([
    ['OS_AUTH_URL', { ...ENV, OS_AUTH_URL: '' }, /neither OS_CLOUD nor OS_AUTH_URL is set/],
    ['OS_USERNAME', { ...ENV, OS_USERNAME: '' }, /OS_USER_ID or OS_USERNAME is missing/],
    ['OS_PASSWORD', { ...ENV, OS_PASSWORD: '' }, /OS_PASSWORD is missing/],
    [
      'OS_PROJECT_NAME',
      { ...ENV, OS_PROJECT_NAME: '' },
      /OS_PROJECT_ID or OS_TENANT_ID or OS_PROJECT_NAME or OS_TENANT_NAME/,
    ],
    ['OS_AUTH_URL (not a URL)', { ...ENV, OS_AUTH_URL: 'keystone:5000' }, /OS_AUTH_URL is not an http\(s\) URL/],
    ['OS_INTERFACE', { ...ENV, OS_INTERFACE: 'private' }, /interface "private" is not one of/],
    ['OS_AUTH_TYPE', { ...ENV, OS_AUTH_TYPE: 'v3oidcpassword' }, /auth type "v3oidcpassword" is not supported/],
    [
      'OS_APPLICATION_CREDENTIAL_SECRET',
      { OS_AUTH_URL: ENV.OS_AUTH_URL, OS_AUTH_TYPE: 'v3applicationcredential', OS_APPLICATION_CREDENTIAL_ID: 'x' },
      /OS_APPLICATION_CREDENTIAL_SECRET is missing/,
    ],
    [
      'OS_APPLICATION_CREDENTIAL_ID',
      { OS_AUTH_URL: ENV.OS_AUTH_URL, OS_AUTH_TYPE: 'v3applicationcredential', OS_APPLICATION_CREDENTIAL_SECRET: 's' },
      /OS_APPLICATION_CREDENTIAL_ID or OS_APPLICATION_CREDENTIAL_NAME is missing/,
    ],
    [
      'the owner of a named application credential',
      {
        OS_AUTH_URL: ENV.OS_AUTH_URL,
        OS_AUTH_TYPE: 'v3applicationcredential',
        OS_APPLICATION_CREDENTIAL_NAME: 'n',
        OS_APPLICATION_CREDENTIAL_SECRET: 's',
      },
      /OS_USER_ID or OS_USERNAME is missing/,
    ],
  ])('missing or invalid %s is named', (_field, env, message) => {
    const err = loadError(env);
    expect(err.message).toMatch(message);
    expect(err.message).toContain('(environment)');
    expect(err.message).not.toContain('env-s3cret');
    expect(err).toMatchObject({ name: 'OpenStackError', kind: 'config', retryable: false });
  });

  test('secrets do not print', () => {
    const credentials = load(ENV);
    const printed = `${JSON.stringify(credentials)} ${inspect(credentials, { depth: 5 })} ${String(
      credentials.authType === 'password' && credentials.password,
    )}`;
    expect(printed).not.toContain('env-s3cret');
    expect(printed).toContain('[redacted]');
  });
});
