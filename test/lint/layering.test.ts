import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The import rules of eslint.config.mjs, shown to bite: each planted import in each folder must be
 * refused, and each allowed one must pass, so a rule that refuses everything fails here too. ESLint
 * runs in a child process (its config is an ES module, which jest's module system cannot load), once
 * for every planted file.
 */
const root = path.resolve(__dirname, '../..');

const LINT_ALL = `
const { ESLint } = require('eslint');
const { configs } = require('typescript-eslint');
const cases = JSON.parse(process.argv[1]);
// Import rules need no types; the planted files are in no TypeScript project.
const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: configs.disableTypeChecked });
Promise.all(cases.map(async ({ file, code }) => {
  const [result] = await eslint.lintText(code, { filePath: file });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
})).then((answers) => process.stdout.write(JSON.stringify(answers)));
`;

function lintAll(cases: { file: string; code: string }[]): string[][] {
  const input = cases.map(({ file, code }) => ({ file: path.join(root, file), code }));
  return JSON.parse(execFileSync(process.execPath, ['-e', LINT_ALL, JSON.stringify(input)], { cwd: root }).toString());
}

const refused: [string, string, string][] = [
  ['workflows/planted.ts', '../activities/fleet', 'deterministic'],
  ['workflows/planted.ts', 'node:fs', 'deterministic'],
  ['workflows/planted.ts', 'undici', 'deterministic'],
  ['workflows/planted.ts', '../contracts/start-flavor', 'deterministic'],
  ['workflows/planted.ts', '@temporalio/client', 'deterministic'],
  ['policy/planted.ts', '@temporalio/workflow', 'pure'],
  ['policy/planted.ts', 'croner', 'pure'],
  ['policy/planted.ts', '../workflows/reconciler-state', 'pure'],
  ['contracts/planted.ts', '../policy/desired', 'workflow-safe'],
  ['contracts/planted.ts', './flavors-file', 'workflow-safe'],
  ['contracts/start-flavor.ts', '../worker', 'only contracts'],
  ['contracts/zod.ts', './settings', 'zod only'],
  ['contracts/planted.ts', 'zod', 'workflow-safe'],
  ['activities/planted.ts', '../workflows/flavor-run', 'never workflows'],
  ['activities/fleet/planted.ts', '../../worker/activities', 'never workflows'],
  ['worker/planted.ts', '../client/cli-error', 'imports no tool'],
  ['worker/planted.ts', './embedded/embedded', 'Only worker/main.ts'],
  ['worker/main.ts', './embedded/options', 'Only worker/main.ts'],
  ['worker/metrics/planted.ts', '../embedded/dashboard', 'Only worker/main.ts'],
  ['worker/planted.ts', '../simulators/cloud', 'imports no tool'],
  ['worker/embedded/planted.ts', '../../client/cli-error', 'imports no other tool'],
  ['client/planted.ts', '../workflows', 'imports contracts'],
  ['client/commands/planted.ts', '../../worker/ports', 'imports contracts'],
  ['simulators/planted.ts', '../worker/config/load', 'nothing of the worker'],
  ['simulators/github/planted.ts', '../../workflows/handlers', 'nothing of the worker'],
  ['bench/planted.ts', '../worker/run-worker', 'public surface'],
  ['bench/benchmarks/planted.ts', '../../worker/config/load', 'public surface'],
];

const allowed: [string, string][] = [
  ['workflows/planted.ts', './reconciler-state'],
  ['workflows/planted.ts', '../contracts/definitions'],
  ['workflows/planted.ts', '../policy/converge'],
  ['workflows/planted.ts', '@temporalio/workflow'],
  ['policy/planted.ts', '../contracts/activities'],
  ['contracts/planted.ts', './zod'],
  ['contracts/planted.ts', 'croner'],
  ['contracts/zod.ts', 'zod'],
  ['policy/planted.ts', '../contracts/schedules'],
  ['contracts/start-flavor.ts', '@temporalio/client'],
  ['activities/fleet/planted.ts', '../../policy/cleanup'],
  ['worker/planted.ts', '../activities/fleet'],
  ['worker/embedded/planted.ts', '../../simulators/cloud'],
  ['client/planted.ts', '../contracts/start-flavor'],
  ['simulators/planted.ts', './http'],
  ['bench/planted.ts', '../worker'],
  ['bench/planted.ts', '../simulators/cloud'],
  ['test/planted.test.ts', '../worker/embedded/embedded'],
];

const planted = (specifier: string) => `import * as planted from '${specifier}';\nexport const used = planted;\n`;
let answers: string[][];

beforeAll(() => {
  answers = lintAll([
    ...refused.map(([file, specifier]) => ({ file, code: planted(specifier) })),
    ...allowed.map(([file, specifier]) => ({ file, code: planted(specifier) })),
    // worker/main.ts loads the demo with a dynamic import, which the rule leaves alone.
    { file: 'worker/main.ts', code: "export const load = () => import('./embedded/embedded');\n" },
  ]);
}, 60_000);

test.each(refused.map((entry, index) => [...entry, index] as const))(
  '%s may not import %s',
  (_file, _specifier, reason, index) => {
    expect(answers[index]).toHaveLength(1);
    expect(answers[index][0]).toContain(reason);
  },
);

test.each(allowed.map((entry, index) => [...entry, refused.length + index] as const))(
  '%s may import %s',
  (_file, _specifier, index) => {
    expect(answers[index]).toEqual([]);
  },
);

test('worker/main.ts may load the embedded demo with a dynamic import', () => {
  expect(answers[refused.length + allowed.length]).toEqual([]);
});
