import { sendDelivery } from '../../simulators/github';
import { startJobIntake, type JobIntake } from '../../worker/intake';
import { applySettingsUpdate, stateQuery } from '../../contracts/definitions';
import { flavorWorkflowId } from '../../contracts/flavor-workflow';
import type { FlavorSettingsInput } from '../../contracts/settings';
import type { FlavorState } from '../../contracts/state';
import { useSimulatedWorker } from '../support/simulated-worker';
import { uniqueName } from '../support/temporal';
import { WITHOUT_IDLE_CONFIRMATION } from '../support/idle-rule';
import { eventually } from '../support/wait';
import { executeUpdateRetrying } from '../../client/update-retry';

/**
 * Reactive mode end to end: GitHub (simulated) sends signed workflow_job webhooks to the intake, which
 * signals-with-start the flavor's workflow; its consumers check each job on GitHub, make one runner
 * per job through the real activities (Nova + JIT), and GitHub's own pickup rule hands the job to it.
 */
let intake: JobIntake;
const sim = useSimulatedWorker(
  'reactive-e2e',
  { openstack: { bootDelayMs: 1000 } },
  {
    beforeStop: async () => {
      await intake?.close();
      await sim.env.client.workflow
        .getHandle(flavorWorkflowId(flavor))
        .terminate('test over')
        .catch(() => undefined);
    },
  },
);
const { taskQueue } = sim;
const secret = 'webhook-secret-for-tests';
const flavor = uniqueName('re');
const label = `${flavor}-label`;
const settings: FlavorSettingsInput = {
  ...WITHOUT_IDLE_CONFIRMATION,
  flavor,
  mode: 'reactive',
  maxRunners: 3,
  labels: [label],
  jobPickupWindowSeconds: 5,
  cleanupIntervalSeconds: 2,
  image: 'ubuntu-24.04',
  openstackFlavor: 'm1.small',
  network: 'runners-net',
};

/** What the intake observed for job_wait_seconds: flavor and seconds, per job. */
const jobWaits: [string, number][] = [];

/** One flavor per example of the original's rule, each with its own label (the intake routes by labels). */
const examples = Array.from({ length: 5 }, (_, i): FlavorSettingsInput => {
  const name = `${flavor}-x${i + 1}`;
  return { ...settings, flavor: name, labels: [`${name}-label`], maxRunners: 10, cleanupIntervalSeconds: 3600 };
});

beforeAll(async () => {
  const log = { debug() {}, info() {}, warn() {} };
  intake = await startJobIntake({
    port: 0,
    host: '127.0.0.1',
    secret,
    flavors: [settings, ...examples],
    client: sim.env.client,
    taskQueue,
    log,
    observeJobWait: (name, seconds) => jobWaits.push([name, seconds]),
  });
  sim.cloud.github.webhook = { url: intake.url, secret };
});

const handle = (name = flavor) => sim.env.client.workflow.getHandle(flavorWorkflowId(name));
/** Waits for the flavor's state to pass `accept`; the workflow may not exist until its first webhook. */
const until = async (accept: (s: FlavorState) => boolean, what: string, name = flavor) =>
  (await eventually(
    () =>
      handle(name)
        .query(stateQuery)
        .catch(() => undefined),
    (state) => state !== undefined && accept(state),
    { what, timeoutMs: 30_000 },
  ))!;
const vms = (name = flavor) => sim.cloud.openstack.servers().filter((s) => s.metadata['runner-flavor'] === name);
const jobNamed = (id: number) => sim.cloud.jobs().find((job) => job.id === id)!;

test('a webhook job gets one runner, which picks it up; a redelivery makes no second one', async () => {
  const { id } = sim.cloud.queueJob({ labels: ['self-hosted', label] });
  // A redelivery of the same queued event, as from GitHub's "Redeliver" button.
  const redelivery = sim.cloud.github.workflowJobDelivery(id, secret);
  expect((await sendDelivery(intake.url, redelivery)).status).toBe(202);

  const state = await until((s) => s.queue?.acknowledged === 1, 'the job acknowledged');
  expect(state.queue).toMatchObject({ size: 0, dropped: 0, duplicates: 1 });
  expect(jobNamed(id)).toMatchObject({ status: 'in_progress', runnerName: `${flavor}-0` });
  expect(vms().map((vm) => vm.name)).toEqual([`${flavor}-0`]);
  // Its wait, once, from the queued webhook to the in_progress one naming its runner: the VM's boot (1 s) in it.
  await eventually(
    async () => jobWaits.length,
    (n) => n > 0,
    { what: 'the in_progress webhook' },
  );
  expect(jobWaits).toEqual([[flavor, expect.any(Number)]]);
  expect(jobWaits[0][1]).toBeGreaterThanOrEqual(1);

  // The job ends: the runner deregisters, its VM powers off, and a tick removes it; consumers refill.
  sim.cloud.finishJobById(id);
  await eventually(
    async () => vms().length,
    (n) => n === 0,
    { what: 'the VM removed', timeoutMs: 30_000 },
  );
  await until((s) => s.currentRunners === 0 && s.queue?.consumers === 3, 'three consumers again');
});

test('a job another runner already took is acknowledged without a runner', async () => {
  const before = (await handle().query(stateQuery)).queue!.acknowledged;
  const { webhooks } = sim.cloud.github.stats;
  const delivered = webhooks.delivered;
  sim.cloud.github.addRunner({ name: 'someone-elses', labels: [label] });
  const { id } = sim.cloud.queueJob({ labels: [label] });
  expect(jobNamed(id)).toMatchObject({ status: 'in_progress', runnerName: 'someone-elses' });
  await until((s) => s.queue!.acknowledged === before + 1, 'the job acknowledged');
  expect(vms()).toHaveLength(0);
  // Not one of the flavor's runners: no wait of ours to observe, once both webhooks are in.
  await eventually(
    async () => webhooks.delivered - delivered,
    (n) => n >= 2,
    { what: 'queued and in_progress' },
  );
  expect(jobWaits).toHaveLength(1);
  sim.cloud.finishJobById(id);
});

test('a job with labels no reactive flavor has is not enqueued', async () => {
  const delivered = sim.cloud.github.stats.webhooks.delivered;
  const { dropped } = (await handle().query(stateQuery)).queue!;
  const { id } = sim.cloud.queueJob({ labels: ['self-hosted', 'gpu'] });
  await eventually(
    async () => sim.cloud.github.stats.webhooks.delivered,
    (n) => n > delivered,
    { what: 'the delivery answered' },
  );
  const state = await handle().query(stateQuery);
  expect(state.queue).toMatchObject({ size: 0, dropped });
  expect(vms()).toHaveLength(0);
  expect(jobNamed(id).status).toBe('queued');
});

describe('the five examples, on the simulators', () => {
  /**
   * Quantity 10 with five runners and five consumers: four runners busy with jobs GitHub gave them,
   * and a fifth busy too, or (`oneIdle`) idle because its job was cancelled before it booted.
   */
  async function fiveAndFive(example: FlavorSettingsInput, oneIdle: boolean) {
    const name = example.flavor;
    const jobs = [1, 2, 3, 4, 5].map(() => sim.cloud.queueJob({ labels: example.labels! }).id);
    if (oneIdle) {
      await eventually(
        async () => vms(name).length,
        (n) => n === 5,
        { what: 'five VMs', timeoutMs: 30_000 },
      );
      sim.cloud.finishJobById(jobs[4], 'cancelled');
    }
    await until((s) => s.queue?.acknowledged === 5 && s.queue.consumers === 5, 'five jobs served', name);
    const busy = oneIdle ? 4 : 5;
    await eventually(
      async () => sim.cloud.github.runners().filter((r) => r.name.startsWith(`${name}-`) && r.busy).length,
      (n) => n === busy,
      { what: `${busy} busy runners`, timeoutMs: 30_000 },
    );
  }

  test.each([
    ['1. quantity 10: no action', 0, 10, 0, 0, 5],
    ['2. quantity 15: 5 consumers started', 1, 15, 5, 0, 10],
    ['3. quantity 7: 3 consumers stopped', 2, 7, -3, 0, 2],
    ['4. quantity 5: all consumers stopped', 3, 5, -5, 0, 0],
    ['5. quantity 4: 1 runner removed and all consumers stopped', 4, 4, -5, 1, 0],
  ])('%s', async (_name, index, quantity, processesDiff, runnersRemoved, consumers) => {
    const example = examples[index];
    await fiveAndFive(example, runnersRemoved > 0);
    const { totals } = await handle(example.flavor).query(stateQuery);
    // A new setting (the same quantity for example 1) starts a new run, whose first tick reconciles.
    const changed = { ...example, maxRunners: quantity, jobPickupWindowSeconds: 6 };
    await executeUpdateRetrying(handle(example.flavor), applySettingsUpdate, [changed]);
    const state = await until((s) => s.totals.cleanupTicks > totals.cleanupTicks, 'a tick', example.flavor);
    expect(state.lastCleanup?.reactive).toEqual({
      processesDiff,
      metricStats: {
        runnersRemoved,
        consumersStarted: Math.max(processesDiff, 0),
        consumersStopped: Math.max(-processesDiff, 0),
      },
    });
    expect(state.queue?.consumers).toBe(consumers);
    expect(vms(example.flavor)).toHaveLength(5 - runnersRemoved);
  });
});
