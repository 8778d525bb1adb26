import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadWorkerConfig } from '../../worker/config/load';

/**
 * The worker's Temporal connection: a profile of the temporal CLI's TOML file (real files in a temporary
 * directory), the TEMPORAL_* variables over it, the worker file's `temporal:` section between the two.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'temporal-config-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

/** As `temporal config set --profile … --prop … --value …` writes it (temporal CLI 1.9.1). */
const profileFile = write(
  'temporal.toml',
  `[profile]
  [profile.default]
    address = "default.example:7233"
  [profile.prod]
    address = "prod.example:7233"
    namespace = "prod-ns"
    api_key = "profile-api-key"
    [profile.prod.grpc_meta]
      x-team = "ci"
    [profile.prod.tls]
      server_name = "prod.internal"
      server_ca_cert_path = "${path.join(dir, 'ca.pem')}"
`,
);
write('ca.pem', 'profile CA\n');
write('cert.pem', 'client cert\n');
write('key.pem', 'client key\n');

const required = {
  GITHUB_ORG: 'acme',
  GITHUB_TOKEN: 'ghp_env',
  OS_AUTH_URL: 'https://keystone.example/v3',
  OS_USERNAME: 'autoscaler',
  OS_PASSWORD: 'os-secret',
  OS_PROJECT_NAME: 'runners',
  OS_USER_DOMAIN_NAME: 'Default',
  OS_PROJECT_DOMAIN_NAME: 'Default',
};
/** No HOME in `env`: only TEMPORAL_CONFIG_FILE can name a profile file, never the developer's own. */
const temporalOf = (env: Record<string, string>, yaml?: string) =>
  loadWorkerConfig({ env: { ...required, ...env }, path: yaml && write(`worker-${Math.random()}.yaml`, yaml) })
    .temporal;

function problemsOf(env: Record<string, string>, yaml?: string): string {
  try {
    temporalOf(env, yaml);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the configuration was accepted');
}

test('no profile file, no variables, no section: the SDK defaults and the autoscaler task queue', () => {
  expect(temporalOf({})).toEqual({
    address: 'localhost:7233',
    namespace: 'default',
    taskQueue: 'runner-autoscaler',
    apiKey: undefined,
    tls: undefined,
    metadata: undefined,
  });
  expect(temporalOf({ TEMPORAL_CONFIG_FILE: path.join(dir, 'none.toml') }).address).toBe('localhost:7233');
});

test('the default profile of TEMPORAL_CONFIG_FILE, or the one TEMPORAL_PROFILE names', () => {
  expect(temporalOf({ TEMPORAL_CONFIG_FILE: profileFile }).address).toBe('default.example:7233');
  expect(temporalOf({ TEMPORAL_CONFIG_FILE: profileFile, TEMPORAL_PROFILE: 'prod' })).toEqual({
    address: 'prod.example:7233',
    namespace: 'prod-ns',
    taskQueue: 'runner-autoscaler',
    apiKey: 'profile-api-key',
    tls: {
      serverNameOverride: 'prod.internal',
      serverRootCACertificate: Uint8Array.from(Buffer.from('profile CA\n')),
      clientCertPair: undefined,
    },
    metadata: { 'x-team': 'ci' },
  });
});

test('the file’s section wins over the profile field by field, the environment over both', () => {
  const profile = { TEMPORAL_CONFIG_FILE: profileFile, TEMPORAL_PROFILE: 'prod' };
  const yaml = `temporal:\n  namespace: yaml-ns\n  taskQueue: yaml-queue\n  tls: { serverName: yaml.internal }\n`;
  expect(temporalOf(profile, yaml)).toMatchObject({
    address: 'prod.example:7233',
    namespace: 'yaml-ns',
    taskQueue: 'yaml-queue',
    apiKey: 'profile-api-key',
    tls: { serverNameOverride: 'yaml.internal', serverRootCACertificate: expect.any(Uint8Array) },
  });
  const env = {
    ...profile,
    TEMPORAL_NAMESPACE: 'env-ns',
    RUNNER_AUTOSCALER_TASK_QUEUE: 'env-queue',
    TEMPORAL_TLS_SERVER_NAME: 'env.internal',
  };
  expect(temporalOf(env, yaml)).toMatchObject({
    address: 'prod.example:7233',
    namespace: 'env-ns',
    taskQueue: 'env-queue',
    tls: { serverNameOverride: 'env.internal' },
  });
});

test('mTLS from the section’s files; the API key from its file; TEMPORAL_TLS=0 turns TLS off', () => {
  const keyFile = write('temporal-api-key', 'section-api-key\n');
  const yaml = [
    'temporal:',
    `  apiKeyFile: ${keyFile}`,
    `  tls: { clientCertFile: ${path.join(dir, 'cert.pem')}, clientKeyFile: ${path.join(dir, 'key.pem')} }`,
  ].join('\n');
  expect(temporalOf({}, yaml)).toMatchObject({
    apiKey: 'section-api-key',
    tls: { clientCertPair: { crt: Uint8Array.from(Buffer.from('client cert\n')), key: expect.any(Uint8Array) } },
  });
  expect(temporalOf({ TEMPORAL_API_KEY: 'env-api-key' }, yaml).apiKey).toBe('env-api-key');
  expect(temporalOf({ TEMPORAL_API_KEY: 'env-api-key' }).tls).toBe(true);
  expect(temporalOf({ TEMPORAL_API_KEY: 'env-api-key', TEMPORAL_TLS: '0' }).tls).toBe(false);
});

test('an empty variable counts as unset', () => {
  const env = { TEMPORAL_CONFIG_FILE: profileFile, TEMPORAL_ADDRESS: '', RUNNER_AUTOSCALER_TASK_QUEUE: '' };
  expect(temporalOf(env)).toMatchObject({ address: 'default.example:7233', taskQueue: 'runner-autoscaler' });
});

test.each([
  [
    'TEMPORAL_TASK_QUEUE, which the worker no longer reads',
    { TEMPORAL_TASK_QUEUE: 'old' },
    'temporal: TEMPORAL_TASK_QUEUE is not read: set RUNNER_AUTOSCALER_TASK_QUEUE instead',
  ],
  [
    'a profile the file does not have',
    { TEMPORAL_CONFIG_FILE: profileFile, TEMPORAL_PROFILE: 'staging' },
    "temporal: cannot load the Temporal client profile: Profile 'staging' not found",
  ],
  [
    'a profile file that is not TOML',
    { TEMPORAL_CONFIG_FILE: write('broken.toml', '[profile.default\naddress = 1\n') },
    'temporal: cannot load the Temporal client profile: ',
  ],
  [
    'a TLS file that cannot be read',
    { TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'no-ca.pem') },
    `temporal: cannot read the Temporal TLS file ${path.join(dir, 'no-ca.pem')} (ENOENT)`,
  ],
  [
    'a client certificate without its key',
    { TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'cert.pem') },
    'temporal: Temporal mTLS: a client certificate and its key go together',
  ],
])('%s is refused, naming it', (_name, env, message) => {
  expect(problemsOf(env)).toContain(message);
});

test('the API key of a profile is in no message', () => {
  const env = {
    TEMPORAL_CONFIG_FILE: profileFile,
    TEMPORAL_PROFILE: 'prod',
    TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'key.pem'),
  };
  const message = problemsOf(env);
  expect(message).toContain('a client certificate and its key go together');
  expect(message).not.toContain('profile-api-key');
});
