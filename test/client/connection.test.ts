import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCommandLine } from '../../client/args';
import { CliError } from '../../client/cli-error';
import { connectionSettings } from '../../client/connection';

/**
 * The CLI's Temporal connection, offline: a profile of the temporal CLI's TOML file (a real file), the
 * TEMPORAL_* variables over it, the flags over both. test/worker/temporal-profile.test.ts connects for real.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'cli-connection-'));
const profileFile = path.join(dir, 'temporal.toml');
/** As `temporal config set --profile … --prop … --value …` writes it (temporal CLI 1.9.1). */
writeFileSync(
  profileFile,
  `[profile]
  [profile.default]
    address = "default.example:7233"
    namespace = "default-ns"
  [profile.prod]
    address = "prod.example:7233"
    namespace = "prod-ns"
    [profile.prod.tls]
      disabled = true
`,
);
const settingsOf = (argv: string[], env: Record<string, string>) =>
  connectionSettings(parseCommandLine(['status', ...argv]).connection, env);
const withProfile = { TEMPORAL_CONFIG_FILE: profileFile };

function refusalOf(argv: string[], env: Record<string, string>): CliError {
  try {
    settingsOf(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    return err as CliError;
  }
  throw new Error('the settings were accepted');
}

test('the default profile, and the one TEMPORAL_PROFILE or --profile names', () => {
  expect(settingsOf([], withProfile)).toMatchObject({
    address: 'default.example:7233',
    namespace: 'default-ns',
    taskQueue: 'runner-autoscaler',
  });
  const prod = { address: 'prod.example:7233', namespace: 'prod-ns', tls: false };
  expect(settingsOf([], { ...withProfile, TEMPORAL_PROFILE: 'prod' })).toMatchObject(prod);
  expect(settingsOf(['--profile', 'prod'], withProfile)).toMatchObject(prod);
});

test('the variables win over the profile, the flags over both', () => {
  const env = {
    ...withProfile,
    TEMPORAL_PROFILE: 'prod',
    TEMPORAL_NAMESPACE: 'env-ns',
    RUNNER_AUTOSCALER_TASK_QUEUE: 'env-queue',
  };
  expect(settingsOf([], env)).toMatchObject({
    address: 'prod.example:7233',
    namespace: 'env-ns',
    taskQueue: 'env-queue',
  });
  const flags = ['--address', 'flag.example:7233', '--namespace', 'flag-ns', '--task-queue', 'flag-queue', '--tls'];
  expect(settingsOf(flags, env)).toMatchObject({
    address: 'flag.example:7233',
    namespace: 'flag-ns',
    taskQueue: 'flag-queue',
    tls: { serverNameOverride: undefined, serverRootCACertificate: undefined, clientCertPair: undefined },
  });
});

test('an API key turns TLS on; TEMPORAL_TLS=0 turns it off, --tls on again', () => {
  expect(settingsOf([], { TEMPORAL_API_KEY: 'k' })).toMatchObject({ apiKey: 'k', tls: true });
  expect(settingsOf([], { TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: '0' }).tls).toBe(false);
  expect(settingsOf(['--tls'], { TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: '0' }).tls).toEqual(expect.any(Object));
});

test.each([
  [
    'TEMPORAL_TASK_QUEUE',
    { TEMPORAL_TASK_QUEUE: 'q' },
    'TEMPORAL_TASK_QUEUE is not read: set RUNNER_AUTOSCALER_TASK_QUEUE',
  ],
  [
    'TEMPORAL_TLS_CA',
    { TEMPORAL_TLS_CA: '/ca.pem' },
    'TEMPORAL_TLS_CA is not read: set TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  ],
  [
    'TEMPORAL_TLS_CERT',
    { TEMPORAL_TLS_CERT: '/c.pem' },
    'TEMPORAL_TLS_CERT is not read: set TEMPORAL_TLS_CLIENT_CERT_PATH',
  ],
  [
    'TEMPORAL_TLS_KEY',
    { TEMPORAL_TLS_KEY: '/k.pem' },
    'TEMPORAL_TLS_KEY is not read: set TEMPORAL_TLS_CLIENT_KEY_PATH',
  ],
  ['a missing profile', { ...withProfile, TEMPORAL_PROFILE: 'staging' }, "Profile 'staging' not found"],
  ["a task queue with a '", { RUNNER_AUTOSCALER_TASK_QUEUE: "it's" }, 'must not contain'],
])('%s: exit 2, naming what to set', (_name, env, message) => {
  const refusal = refusalOf([], env);
  expect(refusal.exitCode).toBe(2);
  expect(refusal.message).toContain(message);
});
