import { bundleWorkflowCode, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { flavorMetricsSinks } from '../../worker/metrics/flavor-sinks';
import { workflowBundleOptions } from '../../worker/workflow-bundle';
import { capturingLogger, forwardedCoreLogs } from '../support/sdk-logger';
import { readHistoryFile } from '../../bench/history-file';

/**
 * Safe deploys: today's workflow code must replay every committed history (recorded from real runs by
 * `npm run record-histories`) without non-determinism. A reordered activity call is shown to fail.
 */
const root = path.resolve(__dirname, '../..');
const files = readdirSync(__dirname)
  .filter((file) => file.endsWith('.json'))
  .sort();
// The proof's replay fails on purpose: the SDK's warning about it is kept for the test's report only.
Runtime.install({ logger: capturingLogger(), telemetryOptions: { logging: forwardedCoreLogs } });
const quietBundler = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };

async function replay(bundle: WorkflowBundleWithSourceMap, file: string): Promise<Error | undefined> {
  const { workflowId, history } = readHistoryFile(path.join(__dirname, file));
  const options = { workflowBundle: bundle, replayName: file, sinks: flavorMetricsSinks() };
  const replayer = Worker.runReplayHistories(options, [{ workflowId, history }]);
  for await (const result of replayer) return result.error;
  throw new Error(`${file}: no replay result`);
}

test('the committed histories cover every scenario the README names', () => {
  const scenarios = new Set(files.map((file) => file.replace(/(-run\d+)?\.json$/, '')));
  expect([...scenarios].sort()).toEqual([
    'apply-settings',
    'drain',
    'drain-late-flush',
    'flush',
    'planner',
    'reactive',
    'schedules',
    'static',
    // Recorded by the soak (seed 42, 10 minutes): a stop meeting a stream attempt that failed on its own.
    'stop-stream-failure',
  ]);
  // Continue-as-new chains are committed whole.
  expect(files).toEqual(expect.arrayContaining(['apply-settings-run2.json', 'reactive-run2.json']));
});

describe('today’s workflow code', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    bundle = await bundleWorkflowCode({ ...workflowBundleOptions, logger: quietBundler });
  }, 120_000);

  test.each(files)('replays %s', async (file) => {
    expect(await replay(bundle, file)).toBeUndefined();
  });
});

describe('a reordered activity call', () => {
  const copy = mkdtempSync(path.join(root, '.temporal', 'replay-proof-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  /**
   * The flush step, changed the way a well-meaning refactor might: busy runners first, idle ones after.
   * Same outcome, other order of activities: the committed flush history must refuse it.
   */
  function reorderFlush(): void {
    for (const folder of ['contracts', 'policy', 'workflows']) {
      cpSync(path.join(root, folder), path.join(copy, folder), { recursive: true });
    }
    const file = path.join(copy, 'workflows/flush-step.ts');
    const source = readFileSync(file, 'utf8');
    const idleFirst = `    const soft = await deleteIdleRunners({ spec: settings, candidates: idle, count: idle.length });
    let deleted = soft.deleted;
    const failed = [...(soft.failed ?? [])];
    if (request.busy) {
      const rest = runners.filter((runner) => !deleted.includes(runner.name));
      const hard = await deleteBusyRunners({ spec: settings, candidates: rest });
      deleted = [...deleted, ...hard.deleted];
      failed.push(...(hard.failed ?? []));
    }
`;
    const busyFirst = `    const busy = runners.filter((runner) => !idle.includes(runner));
    const hard = request.busy ? await deleteBusyRunners({ spec: settings, candidates: busy }) : { deleted: [] };
    const soft = await deleteIdleRunners({ spec: settings, candidates: idle, count: idle.length });
    const deleted = [...hard.deleted, ...soft.deleted];
    const failed = [...(soft.failed ?? [])];
`;
    // If the flush step changes, this proof must be rewritten, not silently pass.
    expect(source).toContain(idleFirst);
    writeFileSync(file, source.replace(idleFirst, busyFirst));
  }

  test('fails replay of the committed flush history with a non-determinism error', async () => {
    reorderFlush();
    const reordered = await bundleWorkflowCode({ workflowsPath: path.join(copy, 'workflows'), logger: quietBundler });
    const error = await replay(reordered, 'flush.json');
    expect(error?.name).toBe('DeterminismViolationError');
    expect(error?.message).toMatch(/deleteIdleRunners|deleteBusyRunners|activity/i);
  }, 120_000);
});
