import type { BundleOptions, WorkerOptions } from '@temporalio/worker';

/**
 * How the workflow code is bundled: by the worker, by the test suite and by the replay tests alike, so
 * that all of them run the same sandbox.
 *
 * The worker runs every cached workflow in one reusable V8 context, and gives each workflow its own
 * copy of every module of the bundle, evaluated afresh: with zod in each copy, one cached workflow cost
 * about 2 MiB of worker RSS (the `scale` benchmark, 300 flavors). zod holds no per-workflow state, so it
 * is preloaded instead: loaded once, before any workflow, and shared by all of them (frozen by the SDK).
 * That halved the cost of a flavor (BENCHMARKS.md, `scale`). The preload goes through a module of ours,
 * which configures zod and exports it whole (contracts/zod.ts): webpack drops a preload of zod itself as
 * an unused import of a side-effect-free package, and a module using only `z.config` would load only
 * zod's core, leaving its schema classes to each workflow.
 */
export const workflowBundleOptions = {
  workflowsPath: require.resolve('../workflows'),
  preloadModules: [require.resolve('../contracts/zod')],
} satisfies Partial<BundleOptions>;

/** The same, as a worker that bundles its workflow code itself takes them. */
export const workerBundleOptions = {
  workflowsPath: workflowBundleOptions.workflowsPath,
  bundlerOptions: { preloadModules: workflowBundleOptions.preloadModules },
} satisfies Partial<WorkerOptions>;
