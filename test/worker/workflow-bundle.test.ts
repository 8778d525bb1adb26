import { bundleApart } from '../../worker/workflow-bundle';

/**
 * The preload that lets every cached workflow share one zod (worker/workflow-bundle.ts) is in the
 * bundle for real: webpack keeps a preload only when it thinks the module has side effects, and drops
 * a preload of zod itself without a word, which leaves each workflow its own zod again. The bundle is
 * the worker's own, built in a child process (bundleApart).
 */
let code: string;
beforeAll(async () => {
  ({ code } = await bundleApart());
}, 120_000);

/** The text of one module of the bundle, from its header to the next. */
function moduleSource(id: string): string {
  const start = code.indexOf(`/***/ "${id}"`);
  if (start < 0) throw new Error(`the bundle has no module ${id}`);
  const next = code.indexOf('\n/***/ "', start + 1);
  return code.slice(start, next < 0 ? undefined : next);
}

test('the preload loads contracts/zod.ts, and with it all of zod’s API', () => {
  const preload = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
  expect(preload).toContain('__webpack_require__');
  expect(preload).toContain('"./contracts/zod.ts"');
  // The schema classes (zod's classic API), not only its configuration module: they were what each
  // workflow's own copy of zod cost.
  expect(moduleSource('./contracts/zod.ts')).toMatch(
    /__webpack_require__\([^)]*node_modules\/zod\/v4\/classic\/external\.js"\)/,
  );
});
