import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BundleOptions, WorkflowBundle } from '@temporalio/worker';

const execFileAsync = promisify(execFile);

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

/**
 * The bundle, built in a child process. Webpack run inside the worker left about 110 MiB of its RSS
 * behind for the process's whole life (RSS 174 → 282 MiB after the bundle and a full GC, 34 MiB of
 * it live heap); built apart, only the 4 MiB of code comes back. It costs a node start-up and the
 * compile of the bundler's modules, once per worker start: 3.0–3.7 s against 1.8–2.2 s in process.
 */
export async function bundleApart(): Promise<WorkflowBundle> {
  const dir = mkdtempSync(path.join(tmpdir(), 'workflow-bundle-'));
  const out = path.join(dir, 'workflows.js');
  try {
    await execFileAsync(
      process.execPath,
      ['-r', require.resolve('@swc-node/register'), require.resolve('./bundle-main'), out],
      {
        // swc-node reads the project's tsconfig, whatever the working directory (as bin/ does).
        env: { ...process.env, SWC_NODE_PROJECT: process.env.SWC_NODE_PROJECT ?? require.resolve('../tsconfig.json') },
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`bundling the workflow code failed: ${err.stderr?.trim() || err.message}`);
    });
    return { code: readFileSync(out, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
