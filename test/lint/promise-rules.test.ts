import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The typed promise rules of eslint.config.mjs, shown to bite in the workflow and the activities: planted
 * code (linted as the text of an existing file, so that it is in the TypeScript project) with a
 * coroutine left floating or a promise handed where a void callback goes is refused; the same
 * coroutine marked `void` on purpose passes. ESLint runs in a child process, as in layering.test.ts.
 */
const root = path.resolve(__dirname, '../..');

const LINT = `
const { ESLint } = require('eslint');
const cases = JSON.parse(process.argv[1]);
const eslint = new ESLint({ cwd: process.cwd() });
(async () => {
  const answers = [];
  for (const { file, code } of cases) {
    const [result] = await eslint.lintText(code, { filePath: file });
    answers.push(result.messages.map((m) => m.ruleId ?? m.message));
  }
  process.stdout.write(JSON.stringify(answers));
})();
`;

const cases: [string, string, string, string[]][] = [
  [
    'a floating coroutine in the workflow',
    'workflows/cleanup-timer.ts',
    "import { sleep } from '@temporalio/workflow';\nexport function planted(): void {\n  sleep(1000);\n}\n",
    ['@typescript-eslint/no-floating-promises'],
  ],
  [
    'the same coroutine marked void',
    'workflows/cleanup-timer.ts',
    "import { sleep } from '@temporalio/workflow';\nexport function planted(): void {\n  void sleep(1000);\n}\n",
    [],
  ],
  [
    'an async callback where a void one goes, in an activity',
    'activities/pressure-stream.ts',
    'export function planted(run: () => Promise<void>): void {\n  setTimeout(run, 10);\n}\n',
    ['@typescript-eslint/no-misused-promises'],
  ],
];

let answers: string[][];

beforeAll(() => {
  const input = cases.map(([, file, code]) => ({ file: path.join(root, file), code }));
  answers = JSON.parse(execFileSync(process.execPath, ['-e', LINT, JSON.stringify(input)], { cwd: root }).toString());
}, 120_000);

test.each(cases.map((entry, index) => [entry[0], entry[3], index] as const))('%s: %j', (_what, expected, index) => {
  expect(answers[index]).toEqual(expected);
});
