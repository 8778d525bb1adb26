import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { signedDelivery } from '../../simulators/github';
import { startJobIntake, type JobIntake } from '../../worker/intake';
import { flavorWorkflowId } from '../../contracts/flavor-workflow';
import { connectTestEnv, uniqueName } from '../support/temporal';

/**
 * The intake fed every workflow_job example of @octokit/webhooks-examples (payloads GitHub sent, for
 * api.github.com and each GitHub Enterprise Server release there), in both content types a webhook may
 * have: the queued job a reactive flavor fits is enqueued as its id, labels and URL; every other
 * delivery is answered 200 and ignored; none is refused as malformed.
 */
interface Example {
  action: string;
  workflow_job: { id: number; labels: string[]; url: string };
}

const examplesRoot = join(dirname(require.resolve('@octokit/webhooks-examples')), '..');
const examples: { source: string; example: Example }[] = readdirSync(examplesRoot)
  .filter((entry) => entry === 'api.github.com' || entry.startsWith('ghes-'))
  .flatMap((source) => {
    const events = JSON.parse(readFileSync(join(examplesRoot, source, 'index.json'), 'utf8')) as {
      name: string;
      examples: Example[];
    }[];
    const workflowJobs = events.find((event) => event.name === 'workflow_job')?.examples ?? [];
    return workflowJobs.map((example) => ({ source, example }));
  });

const secret = 'examples-webhook-secret';
const k8s = uniqueName('k8s');
let env: TestWorkflowEnvironment;
let intake: JobIntake;
const quiet = () => undefined;

beforeAll(async () => {
  env = await connectTestEnv();
  intake = await startJobIntake({
    port: 0,
    host: '127.0.0.1',
    secret,
    flavors: [{ flavor: k8s, mode: 'reactive', labels: ['k8s'] }],
    client: env.client,
    taskQueue: uniqueName('examples'),
    log: { debug: quiet, info: quiet, warn: quiet },
  });
});
afterAll(async () => {
  await env.client.workflow
    .getHandle(flavorWorkflowId(k8s))
    .terminate('test over')
    .catch(() => undefined);
  await intake?.close();
  await env?.teardown();
});

test('the examples are there: every action, a queued job a self-hosted flavor fits among them', () => {
  expect(examples.length).toBeGreaterThanOrEqual(8);
  const actions = new Set(examples.map(({ example }) => example.action));
  expect([...actions].sort()).toEqual(['completed', 'in_progress', 'queued', 'waiting']);
  expect(
    examples.some(({ example }) => example.action === 'queued' && example.workflow_job.labels.includes('k8s')),
  ).toBe(true);
});

describe.each(['form', 'json'] as const)('as %s', (contentType) => {
  test.each(
    examples.map(({ source, example }, i) => [
      `${source} #${i} ${example.action} ${JSON.stringify(example.workflow_job.labels)}`,
      example,
    ]),
  )('%s', async (_name, example) => {
    const delivery = signedDelivery('workflow_job', JSON.stringify(example), secret, contentType);
    const answer = await fetch(intake.url, { method: 'POST', headers: delivery.headers, body: delivery.body });
    const body = (await answer.json()) as Record<string, unknown>;
    const { id, labels } = example.workflow_job;
    if (example.action !== 'queued') {
      expect([answer.status, body]).toEqual([200, { result: 'ignored', reason: `action ${example.action}` }]);
    } else if (labels.includes('k8s')) {
      expect([answer.status, body]).toEqual([
        202,
        expect.objectContaining({ result: 'enqueued', jobId: id, flavor: k8s }),
      ]);
    } else {
      expect([answer.status, body]).toEqual([200, expect.objectContaining({ result: 'no flavor', jobId: id })]);
    }
  });
});

test('what was enqueued is each queued job’s id, labels and URL as GitHub sent them', async () => {
  const events = (await env.client.workflow.getHandle(flavorWorkflowId(k8s)).fetchHistory()).events ?? [];
  const signalled = events
    .map((event) => event.workflowExecutionSignaledEventAttributes)
    .filter((signal) => signal?.signalName === 'job')
    .map((signal) => defaultPayloadConverter.fromPayload(signal?.input?.payloads?.[0] ?? {}));
  const expected = examples
    .filter(({ example }) => example.action === 'queued' && example.workflow_job.labels.includes('k8s'))
    .map(({ example: { workflow_job: job } }) => ({ jobId: job.id, labels: job.labels, url: job.url }));
  expect(signalled).toEqual([...expected, ...expected]);
});
