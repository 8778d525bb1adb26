import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { startGitHubSimulator, type GitHubSimulator } from '../../../simulators/github';

/**
 * The simulator's workflow_job webhooks against @octokit/webhooks-schemas, the JSON schemas of GitHub's
 * webhook payloads (each action its own schema; unknown fields refused): one delivery for every status a
 * job passes through, form-encoded and JSON.
 */
const schemas = JSON.parse(readFileSync(require.resolve('@octokit/webhooks-schemas'), 'utf8')) as object;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(schemas, 'webhooks');
const problemsOf = (payload: unknown): string[] => {
  const action = (payload as { action?: unknown }).action;
  const validate = ajv.getSchema(`webhooks#/definitions/workflow_job$${String(action)}`);
  if (!validate) return [`no schema for action ${String(action)}`];
  return validate(payload) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
};

let sim: GitHubSimulator;
const secret = 'conformance-secret';
beforeAll(async () => {
  sim = await startGitHubSimulator({ jobPickup: 'manual' });
});
afterAll(() => sim.close());

/** One delivery for each stage of a job's life, and for each waiting status of the REST API. */
function deliveries(contentType: 'form' | 'json'): unknown[] {
  const payloadOf = (jobId: number) => {
    const { body } = sim.workflowJobDelivery(jobId, secret, contentType);
    return JSON.parse(contentType === 'json' ? body : String(new URLSearchParams(body).get('payload')));
  };
  const waiting = (['queued', 'waiting', 'requested', 'pending'] as const).map(
    (status) => sim.queueJob({ labels: ['self-hosted', 'conf'], status }).id,
  );
  const payloads = waiting.map(payloadOf);
  sim.addRunner({ name: `conf-${contentType}`, labels: ['conf'] });
  const [taken] = sim.pickUpJobs();
  payloads.push(payloadOf(taken.jobId));
  sim.finishJob(taken.runnerName);
  payloads.push(payloadOf(taken.jobId));
  sim.finishJobById(waiting[1], 'cancelled');
  payloads.push(payloadOf(waiting[1]));
  return payloads;
}

test.each(['form', 'json'] as const)(
  'every workflow_job delivery (%s) is one GitHub’s schemas accept',
  (contentType) => {
    const payloads = deliveries(contentType);
    expect(payloads.map((payload) => (payload as { action: string }).action)).toEqual([
      'queued',
      'waiting',
      'queued',
      'queued',
      'in_progress',
      'completed',
      'completed',
    ]);
    expect(payloads.map(problemsOf)).toEqual(payloads.map(() => []));
  },
);

test.each<[string, (payload: Record<string, Record<string, unknown>>) => void, RegExp]>([
  ['a job without labels', (payload) => delete payload.workflow_job.labels, /must have required property 'labels'/],
  [
    'a field GitHub never sends',
    (payload) => (payload.repository.flavor = 'small'),
    /must NOT have additional properties/,
  ],
  [
    'a status the action does not have',
    (payload) => (payload.workflow_job.status = 'completed'),
    /must be equal to one of the allowed values/,
  ],
  [
    'an organisation without its login',
    (payload) => delete payload.organization.login,
    /must have required property 'login'/,
  ],
])('a broken payload is caught: %s', (_case, edit, expected) => {
  const { id } = sim.queueJob({ labels: ['conf'] });
  const payload = JSON.parse(sim.workflowJobDelivery(id, secret, 'json').body);
  expect(problemsOf(payload)).toEqual([]);
  edit(payload);
  expect(problemsOf(payload).join('\n')).toMatch(expected);
});
