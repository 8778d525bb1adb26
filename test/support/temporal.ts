import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, Worker, type MetricsExporterConfig, type WorkerOptions } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { flavorMetricsSinks } from '../../worker/metrics/flavor-sinks';
import { capturingLogger, forwardedCoreLogs } from './sdk-logger';

/**
 * The dev server test/setup/global-setup.ts started for this run. `metrics`: where the SDK's own metrics
 * (and the workflows' metric meter) go, for tests that scrape them.
 */
export function connectTestEnv(options: { metrics?: MetricsExporterConfig } = {}): Promise<TestWorkflowEnvironment> {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is unset: run the tests through jest (test/setup)');
  // The worker's and the workflows' logs go to the test's capture: printed only when the test fails.
  Runtime.install({
    logger: capturingLogger(),
    telemetryOptions: { metrics: options.metrics, logging: forwardedCoreLogs },
  });
  return TestWorkflowEnvironment.createFromExistingServer({ address });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A worker on the shared bundle of workflows/, on its own task queue; the flavors' metrics sink records nothing unless given. */
export function createTestWorker(
  env: TestWorkflowEnvironment,
  options: Omit<WorkerOptions, 'connection' | 'workflowBundle' | 'workflowsPath'>,
): Promise<Worker> {
  const codePath = process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('TEMPORAL_TEST_WORKFLOW_BUNDLE is unset: run the tests through jest (test/setup)');
  const workflowBundle = { codePath };
  return Worker.create({ connection: env.nativeConnection, workflowBundle, sinks: flavorMetricsSinks(), ...options });
}
