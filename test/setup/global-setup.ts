import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { devServerExecutable } from '../../worker/temporal-cli';
import { workflowBundleOptions } from '../../worker/workflow-bundle';

/**
 * One real Temporal dev server for the whole test run, and the workflow code bundled once (with the
 * tests' shorter activity retries, test/setup/shorter-retries.ts). Test files
 * reach both through environment variables (see test/support/temporal.ts).
 */
export default async function globalSetup(): Promise<void> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: devServerExecutable(), log: { format: 'pretty', level: 'error' } },
  });
  (globalThis as { temporalTestEnv?: TestWorkflowEnvironment }).temporalTestEnv = env;
  process.env.TEMPORAL_TEST_ADDRESS = env.address;

  const { code } = await bundleWorkflowCode({
    ...workflowBundleOptions,
    // Activity retries a hundredth of production's: no test waits on the production schedule.
    workflowInterceptorModules: [require.resolve('./shorter-retries')],
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'workflow-bundle-'));
  const codePath = path.join(dir, 'workflows.js');
  writeFileSync(codePath, code);
  process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE = codePath;
}
