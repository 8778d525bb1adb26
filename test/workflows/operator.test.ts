import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { applySettingsUpdate, flushUpdate } from '../../contracts/definitions';
import { useFlavorHarness } from '../support/flavor-harness';
import { eventually } from '../support/wait';

/** Ticks that never come during a test, where the test is about one operator action. */
const noTicks = { cleanupIntervalSeconds: 3600 };

const harness = useFlavorHarness();

describe('applySettings', () => {
  test('the same settings change nothing; a changed field continues as new with it, state carried', async () => {
    const settings = { ...noTicks, mode: 'static' as const, minRunners: 2, image: 'jammy' };
    const { flavor, handle, fleet } = await harness.startFlavor(settings);
    await harness.until(handle, (s) => s.currentRunners === 2);
    const { runId } = await handle.describe();

    expect(await handle.executeUpdate(applySettingsUpdate, { args: [harness.settings(flavor, settings)] })).toEqual({
      changed: [],
    });
    expect((await handle.describe()).runId).toBe(runId);

    const changed = await handle.executeUpdate(applySettingsUpdate, {
      args: [harness.settings(flavor, { ...settings, minRunners: 4, image: 'noble' })],
    });
    expect(changed).toEqual({ changed: ['image', 'minRunners'] });
    const state = await harness.until(handle, (s) => s.runs === 2 && s.currentRunners === 4);
    expect(state.minRunners).toBe(4);
    expect((await handle.describe()).runId).not.toBe(runId);
    expect(fleet.runners.size).toBe(4);
    // Numbering carried on: the new run's runners follow the old ones.
    expect([...fleet.runners.keys()].sort()).toEqual([0, 1, 2, 3].map((seq) => `${flavor}-${seq}`).sort());
  });

  test('invalid settings, another flavor or a new prefix are rejected and change nothing', async () => {
    const { flavor, handle } = await harness.startFlavor({ ...noTicks, mode: 'static' });
    await harness.until(handle, (s) => s.lastCleanup !== undefined);
    const attempts = [
      [{ flavor, maxRunners: -1 }, /maxRunners must be an integer/],
      [{ flavor, minRunner: 2 }, /unknown setting/],
      [{ flavor: 'other' }, /flavor is/],
      [{ flavor, runnerNamePrefix: 'x' }, /runnerNamePrefix/],
    ] as const;
    for (const [input, message] of attempts) {
      const update = handle.executeUpdate(applySettingsUpdate, { args: [input as never] });
      await expect(update).rejects.toThrow(WorkflowUpdateFailedError);
      await expect(update).rejects.toMatchObject({ cause: { message: expect.stringMatching(message) } });
    }
    expect(await harness.state(handle)).toMatchObject({ runs: 1, mode: 'static' });
  });

  test('a flavor moved from static to planner follows the planner after the update', async () => {
    const { flavor, handle, fleet } = await harness.startFlavor({ ...noTicks, mode: 'static' });
    await harness.until(handle, (s) => s.lastCleanup !== undefined);
    harness.planner.set(flavor, 3);
    await handle.executeUpdate(applySettingsUpdate, {
      args: [harness.settings(flavor, { ...noTicks, mode: 'planner' })],
    });
    await harness.until(handle, (s) => s.mode === 'planner' && s.currentRunners === 3);
    expect(fleet.runners.size).toBe(3);
  });
});

describe('flush', () => {
  test('idle runners go and are replaced; busy ones stay unless busy is asked for', async () => {
    const { handle, fleet } = await harness.startFlavor({ ...noTicks, mode: 'static', minRunners: 4 });
    await harness.until(handle, (s) => s.currentRunners === 4);
    const before = new Set(fleet.runners.keys());
    const busy = fleet.setState('busy', 1);

    const report = await handle.executeUpdate(flushUpdate, { args: [{}] });
    expect(report).toMatchObject({ busy: false, keptBusy: busy });
    expect(report.deleted).toHaveLength(3);
    expect(report.deleted).not.toContain(busy[0]);
    // The create path refills to desired with new runners.
    await harness.until(handle, (s) => s.currentRunners === 4 && s.lastFlush !== undefined);
    expect(fleet.runners.has(busy[0])).toBe(true);
    expect([...fleet.runners.keys()].filter((name) => before.has(name))).toEqual(busy);

    const all = await handle.executeUpdate(flushUpdate, { args: [{ busy: true }] });
    expect(all.deleted).toHaveLength(4);
    expect(all.deleted).toContain(busy[0]);
    expect(all.keptBusy).toEqual([]);
    await harness.until(handle, (s) => s.currentRunners === 4);
    expect([...fleet.runners.keys()].filter((name) => before.has(name))).toEqual([]);
  });
});

describe('stop (cancellation)', () => {
  test('idle runners go at once, busy ones drain, then the workflow ends as cancelled', async () => {
    const { handle, fleet } = await harness.startFlavor({ mode: 'static', minRunners: 3, cleanupIntervalSeconds: 1 });
    await harness.until(handle, (s) => s.currentRunners === 3);
    const [busy] = fleet.setState('busy', 1);
    await handle.cancel();
    const stopping = await harness.until(handle, (s) => s.stopping === true && s.lastFlush !== undefined);
    expect(stopping.lastFlush?.keptBusy).toEqual([busy]);
    expect([...fleet.runners.keys()]).toEqual([busy]);
    // The job ends: the next drain flush finds the runner idle and removes it; the workflow closes.
    fleet.setState('idle', 1);
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(fleet.runners.size).toBe(0);
    await eventually(
      () => harness.state(handle),
      (s) => s.currentRunners === 0 && s.stopping === true,
      { what: 'the closed workflow answers its final state' },
    );
  });

  test('a flush asked for during the drain’s last step is answered, and the stop still ends', async () => {
    const { handle, fleet } = await harness.startFlavor({ ...noTicks, mode: 'static', minRunners: 1 });
    await harness.until(handle, (s) => s.currentRunners === 1);
    // The drain's one step (every runner idle: nothing is left after it) lists slowly.
    fleet.listDelayMs = 2000;
    await handle.cancel();
    await harness.until(handle, (s) => s.stopping === true && s.operation === 'delete');
    const flush = handle.executeUpdate(flushUpdate, { args: [{}] });
    await expect(flush).resolves.toMatchObject({ busy: false, deleted: [] });
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(fleet.runners.size).toBe(0);
  });
});
