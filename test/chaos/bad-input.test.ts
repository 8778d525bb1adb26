import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import { MALFORMED_KINDS } from '../../simulators/planner';
import { describeValue } from '../../policy/input-checks';
import {
  pressureSignal,
  setFallbackRunnersSignal,
  setFallbackRunnersUpdate,
  stateQuery,
} from '../../contracts/definitions';
import { connectTestEnv } from '../support/temporal';
import { eventually } from '../support/wait';
import { cloudView, startFlavor, untilState, type FlavorHandle } from './support/flavor';
import { expectNoSecretsInHistories } from './support/history-grep';
import { startInProcessWorker } from './support/in-process-worker';
import { measured } from './support/results';
import { watchSecrets, type SecretWatch } from './support/secrets';

/**
 * Scenario 5: junk from every side. Malformed and absurd stream lines are skipped without dropping the
 * stream; absurd pressure signals and junk operator signals are rejected into `lastRejected` with the
 * workflow and its state intact; bad settings fail the workflow at once, naming the field.
 */
let env: TestWorkflowEnvironment;
let cloud: SimulatedCloud;
let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
let secrets: SecretWatch;
const handles: FlavorHandle[] = [];

beforeAll(async () => {
  env = await connectTestEnv();
  // Frequent re-sends: each is followed by an odd line, so every kind goes out within seconds.
  cloud = await startSimulatedCloud({ planner: { resendIntervalMs: 300 }, openstack: { bootDelayMs: 200 } });
  secrets = watchSecrets(cloud);
  worker = await startInProcessWorker(env, cloud, 'chaos-input');
});

afterAll(async () => {
  for (const handle of handles) await handle.terminate('test over').catch(() => undefined);
  await worker?.stop();
  await cloud?.close();
  await env?.teardown();
});

async function runningFlavor(settings: Parameters<typeof startFlavor>[2], pressure: number) {
  const started = await startFlavor(env.client, worker.taskQueue, { cleanupIntervalSeconds: 2, ...settings });
  handles.push(started.handle);
  cloud.planner.setPressure(started.flavor, pressure);
  await untilState(started.handle, (s) => s.currentRunners === pressure && s.stream?.connected === true, 'running');
  return started;
}

test('malformed and absurd stream lines are skipped; the stream stays up; a huge value is capped', () =>
  measured('5a-malformed-stream', async (figures) => {
    const { flavor, handle } = await runningFlavor({ maxRunners: 5 }, 2);
    const view = cloudView(cloud, flavor);
    const before = await handle.query(stateQuery);
    cloud.planner.faults.malformedEvery = 1;
    cloud.planner.setPressure(flavor, 3);
    await eventually(
      async () => cloud.planner.stats.malformedWritten,
      (written) => MALFORMED_KINDS.every((kind) => (written[kind] ?? 0) >= 1),
      { what: 'every kind of odd line sent' },
    );
    const after = await untilState(handle, (s) => s.currentRunners === 3, 'three runners');
    cloud.planner.faults.malformedEvery = undefined;
    figures.oddLinesSent = { ...cloud.planner.stats.malformedWritten };
    figures.reconnectsDuringJunk = (after.stream?.reconnects ?? 0) - (before.stream?.reconnects ?? 0);
    expect(after.lastPressure).toBe(3);
    expect(after.desired).toBe(3);
    expect(after.stream?.connected).toBe(true);
    expect(after.stream?.reconnects).toBe(before.stream?.reconnects);
    expect(after.lastRejected).toBeUndefined();
    expect(view.vms()).toHaveLength(3);

    cloud.planner.setPressure(flavor, 1_000_000);
    const capped = await untilState(handle, (s) => s.lastPressure === 1_000_000 && s.currentRunners === 5, 'capped');
    await eventually(
      async () => view.vms().length,
      (n) => n === 5,
      { what: 'five VMs' },
    );
    figures.hugePressureDesired = capped.desired;
    expect(capped.desired).toBe(5);
  }));

test('absurd pressure signals are rejected; pressure, desired and runners are untouched', () =>
  measured('5b-absurd-pressure-signals', async (figures) => {
    const { flavor, handle } = await runningFlavor({}, 2);
    const junk: unknown[] = [-1, 2.5, '7', 1e300, Number.MAX_SAFE_INTEGER + 2, null, { n: 3 }, [4], undefined];
    for (const pressure of junk) {
      await handle.signal(pressureSignal, { streamId: 1, pressure } as never);
      await untilState(
        handle,
        (s) =>
          s.lastRejected?.handler === 'pressure' && s.lastRejected.reason.endsWith(`got ${describeValue(pressure)}`),
        `rejection of ${describeValue(pressure)}`,
      );
    }
    const state = await handle.query(stateQuery);
    figures.junkSignalsRejected = junk.length;
    expect(state).toMatchObject({ lastPressure: 2, desired: 2, currentRunners: 2, mode: 'planner' });
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await untilState(handle, (s) => s.totals.cleanupTicks > state.totals.cleanupTicks, 'a cleanup tick after');
    expect(cloudView(cloud, flavor).vms()).toHaveLength(2);
    expect((await handle.query(stateQuery)).currentRunners).toBe(2);
  }));

test('bad settings fail the workflow at once with InvalidSettings naming the field', () =>
  measured('5c-invalid-settings', async (figures) => {
    const cases: [string, Record<string, unknown>][] = [
      ['minRunners', { minRunners: -1 }],
      ['cleanupIntervalSeconds', { cleanupIntervalSeconds: 'soon' }],
      ['fallbackRunners', { maxRunners: 2, fallbackRunners: 5 }],
      ['streamBackoffMaxSeconds', { streamBackoffInitialSeconds: 10, streamBackoffMaxSeconds: 5 }],
      ['labels', { labels: ['ok', 7] }],
      ['mode', { mode: 'turbo' }],
      ['surprise', { surprise: true }],
    ];
    const failures: string[] = [];
    for (const [field, settings] of cases) {
      const { handle, flavor } = await startFlavor(env.client, worker.taskQueue, settings);
      handles.push(handle);
      const error = await handle.result().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const cause = (error as WorkflowFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe('InvalidSettings');
      expect(cause?.message).toContain(field);
      failures.push(cause?.message ?? '');
      // At once: nothing was scheduled, no timer, no create.
      const events = (await handle.fetchHistory()).events ?? [];
      const acted = events.filter(
        (e) =>
          e.activityTaskScheduledEventAttributes || e.timerStartedEventAttributes || e.markerRecordedEventAttributes,
      );
      expect(acted).toEqual([]);
      expect(cloudView(cloud, flavor).vms()).toEqual([]);
    }
    figures.casesFailedAtOnce = `${failures.length}/${cases.length}`;
  }));

test('junk setFallbackRunners signals are rejected into lastRejected; the workflow runs on intact', () =>
  measured('5d-bad-operator-signals', async (figures) => {
    const { handle } = await runningFlavor({ maxRunners: 5, fallbackRunners: 1 }, 2);
    const junk: unknown[] = ['junk', -1, 2.5, 99, null, { n: 3 }, [3], '3', true];
    for (const value of junk) {
      await handle.signal(setFallbackRunnersSignal, value);
      const text = value === 99 ? '99 is above maxRunners 5' : `got ${JSON.stringify(value)}`;
      await untilState(
        handle,
        (s) => s.lastRejected?.handler === 'setFallbackRunners' && s.lastRejected.reason.includes(text),
        `rejection of ${JSON.stringify(value)}`,
      );
    }
    const update = await handle.executeUpdate(setFallbackRunnersUpdate, { args: ['junk'] }).catch((err) => err);
    expect(update).toBeInstanceOf(WorkflowUpdateFailedError);

    const state = await handle.query(stateQuery);
    figures.junkSignalsRejected = junk.length;
    figures.updateRejected = update instanceof WorkflowUpdateFailedError;
    expect(state).toMatchObject({
      fallbackRunners: 1,
      desired: 2,
      lastPressure: 2,
      currentRunners: 2,
      mode: 'planner',
    });
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await handle.signal(setFallbackRunnersSignal, 3);
    await untilState(handle, (s) => s.fallbackRunners === 3, 'a good value still taken');
  }));

test('no secret in any history of this file', () =>
  measured('5e-input-histories', async (figures) => {
    for (const handle of handles) await handle.terminate('test over').catch(() => undefined);
    const ids = handles.map((h) => h.workflowId);
    Object.assign(figures, await expectNoSecretsInHistories(env.address, ids, secrets.secrets()));
  }));
