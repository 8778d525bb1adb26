import { ApplicationFailure } from '@temporalio/common';
import { LogTimestamp, type LogLevel } from '@temporalio/worker';
import { Secret } from '../../activities/openstack/secret';
import { createRedactor } from '../../activities/redact';
import type { WorkerConfig } from '../../worker/config/load';
import { JsonLogger } from '../../worker/logging/json-logger';
import { secretsOf } from '../../worker/logging/secrets';

/**
 * The worker's JSON log lines, line by line. That the SDK's workflow and activity lines reach it with
 * their workflow ids, from a real worker process, is test/worker/shutdown.test.ts's.
 */
function logger(level: LogLevel = 'INFO', redact?: (text: string) => string) {
  const lines: string[] = [];
  const log = new JsonLogger({ level, redact, write: (line) => lines.push(line) });
  return { log, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const config = (overrides: Partial<WorkerConfig> = {}): WorkerConfig => ({
  managerId: 'runner-autoscaler',
  temporal: { address: 'temporal:7233', namespace: 'ci', taskQueue: 'q', apiKey: 'temporal-api-key' },
  planner: { url: 'https://planner.example', token: 'planner-token-123' },
  github: {
    baseUrl: 'https://api.github.com',
    scope: { org: 'acme' },
    auth: { kind: 'token', token: 'ghp_tokenValue' },
  },
  openstack: {
    credentials: {
      authType: 'password',
      authUrl: 'https://keystone.example/v3',
      interface: 'public',
      source: 'environment',
      user: { name: 'autoscaler' },
      password: new Secret('openstack-password'),
      project: { name: 'runners' },
    },
  },
  ...overrides,
});

test('one JSON object per line: time from the SDK timestamp, level, msg, then the metadata', () => {
  const { log, lines } = logger();
  const at = Date.parse('2026-01-02T03:04:05.678Z');
  log.info('tick', { [LogTimestamp]: BigInt(at) * 1_000_000n, taskQueue: 'q', count: 3 });
  expect(lines).toEqual(['{"time":"2026-01-02T03:04:05.678Z","level":"INFO","msg":"tick","taskQueue":"q","count":3}']);
});

test('lines below the level are dropped', () => {
  const { log, entries } = logger('WARN');
  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');
  log.log('TRACE', 't');
  expect(entries().map((e) => e.level)).toEqual(['WARN', 'ERROR']);
});

test('a line about a flavor carries both its flavor and its workflow id', () => {
  const { log, entries } = logger();
  log.warn('Activity failed', { workflowId: 'flavor-small', activityType: 'cleanupRunners' });
  log.warn('from the fleet', { flavor: 'large' });
  log.warn('both given', { flavor: 'x', workflowId: 'flavor-x' });
  log.info('not a flavor workflow', { workflowId: 'apply-42' });
  log.info('nothing about a flavor');
  expect(entries()).toEqual([
    expect.objectContaining({ msg: 'Activity failed', flavor: 'small', workflowId: 'flavor-small' }),
    expect.objectContaining({ msg: 'from the fleet', flavor: 'large', workflowId: 'flavor-large' }),
    expect.objectContaining({ msg: 'both given', flavor: 'x', workflowId: 'flavor-x' }),
    expect.not.objectContaining({ flavor: expect.anything() }),
    expect.not.objectContaining({ flavor: expect.anything(), workflowId: expect.anything() }),
  ]);
});

test("no secret of the worker's configuration, nor a JIT config, gets into a line", () => {
  const secrets = secretsOf(config());
  expect(secrets.sort()).toEqual(['ghp_tokenValue', 'openstack-password', 'planner-token-123', 'temporal-api-key']);
  const { log, lines } = logger('INFO', createRedactor(secrets));
  const jitConfig = Buffer.from(JSON.stringify({ '.runner': 'x'.repeat(200) })).toString('base64');
  log.error('planner refused planner-token-123', {
    error: new Error('GitHub said ghp_tokenValue is bad', { cause: new Error(`user data ${jitConfig}`) }),
    nested: { deeper: ['openstack-password', 'temporal-api-key'] },
    credentials: config().openstack.credentials,
  });
  const text = lines.join('\n');
  for (const secret of [...secrets, jitConfig]) expect(text).not.toContain(secret);
  expect(text).toContain('[redacted]');
});

test("an App key and the webhook intake's secret are among the secrets", () => {
  const privateKey = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
  const github = { ...config().github, auth: { kind: 'app' as const, appId: 1, installationId: 2, privateKey } };
  const intake = { port: 8080, host: '0.0.0.0', path: '/webhook', secret: 'webhook-secret', flavors: [] };
  expect(secretsOf(config({ github, planner: undefined, intake }))).toEqual(
    expect.arrayContaining([privateKey, 'webhook-secret']),
  );
});

test('every credential of a GitHub pool is among the secrets', () => {
  const privateKey = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
  const auth = [
    { kind: 'token' as const, token: 'ghp_firstOfThePool' },
    { kind: 'app' as const, appId: 1, installationId: 2, privateKey },
    { kind: 'token' as const, token: 'ghp_thirdOfThePool' },
  ];
  expect(secretsOf(config({ github: { ...config().github, auth } }))).toEqual(
    expect.arrayContaining(['ghp_firstOfThePool', privateKey, 'ghp_thirdOfThePool']),
  );
});

test('errors, bigints and unserializable metadata still make one line each', () => {
  const { log, entries } = logger();
  const failure = ApplicationFailure.nonRetryable('no such flavor', 'PlannerFlavorNotFound');
  log.warn('stream failed', { error: failure, durationNanos: 12n });
  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = circular;
  log.warn('odd metadata', { circular });
  log.info('metadata using reserved names', { msg: 'theirs', level: 'theirs', time: 'theirs' });
  expect(entries()).toEqual([
    expect.objectContaining({
      msg: 'stream failed',
      error: { name: 'ApplicationFailure', message: 'no such flavor', type: 'PlannerFlavorNotFound' },
      durationNanos: '12',
    }),
    expect.objectContaining({ msg: 'odd metadata', logError: expect.stringContaining('not serializable') }),
    expect.objectContaining({
      msg: 'metadata using reserved names',
      level: 'INFO',
      'meta.msg': 'theirs',
      'meta.level': 'theirs',
      'meta.time': 'theirs',
    }),
  ]);
});
