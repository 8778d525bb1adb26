import { WorkflowNotFoundError } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { temporalCliPath } from '../../worker/temporal-cli';
import { FlavorHarness } from '../support/flavor-harness';
import { eventually } from '../support/wait';
import { cleanEnv } from './support';

/**
 * Runs the README's temporal CLI recipes verbatim, in order, against the test server, each followed by
 * a check that it did what the README says. A recipe without a check, or a check without its recipe,
 * fails the test, so the README and this file stay in step.
 */

const README = path.resolve(__dirname, '..', '..', 'README.md');
const MARKER = '<!-- recipes: tested by test/client/readme-recipes.test.ts -->';

/** The commands of the ```sh block right after the marker; a command goes on while a quote is open or a line ends in `\`. */
function readmeRecipes(markdown: string): string[] {
  const at = markdown.indexOf(MARKER);
  if (at < 0) throw new Error(`README.md has no ${MARKER}`);
  const block = /^\s*```sh\n([\s\S]*?)\n```/.exec(markdown.slice(at + MARKER.length));
  if (!block) throw new Error('README.md: no ```sh block right after the recipes marker');
  const commands: string[] = [];
  let current = '';
  for (const line of block[1].split('\n')) {
    current += current ? `\n${line}` : line;
    const quoteOpen = (current.match(/'/g) ?? []).length % 2 === 1;
    if (!quoteOpen && !line.endsWith('\\')) {
      if (current.trim()) commands.push(current);
      current = '';
    }
  }
  if (current) throw new Error(`README.md: unterminated recipe: ${current}`);
  return commands;
}

/** The JSON after `--input`, quoted or bare. */
function inputOf(command: string): unknown {
  const match = /--input (?:'([^']*)'|(\S+))/.exec(command);
  if (!match) throw new Error(`no --input in: ${command}`);
  return JSON.parse(match[1] ?? match[2]);
}

const WORKFLOW_ID = 'flavor-small';
// The recipes name the task queue `runner-autoscaler`: the harness's worker serves that one.
const harness = new FlavorHarness('runner-autoscaler');

beforeAll(async () => {
  // The recipe's flavor is in planner mode: a pressure of 0 lets minRunners decide.
  harness.planner.set('small', 0);
  await harness.start();
  // The dev server is shared by the whole run: a flavor-small left by another file must not be taken for ours.
  await harness.client
    .getHandle(WORKFLOW_ID)
    .terminate('readme recipes: a fresh start')
    .catch((err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    });
  harness.handles.push(harness.client.getHandle(WORKFLOW_ID));
});

afterAll(() => harness.stop());

/** `key: value` in the temporal CLI's text output, which prints JSON for a query and Go maps for an update. */
const field = (key: string, value: string) => new RegExp(`"?${key}"?:\\s*${value}(?!\\w)`);

type Check = (command: string, stdout: string) => Promise<void>;

const handle = () => harness.client.getHandle(WORKFLOW_ID);
const stateUntil = (accept: Parameters<FlavorHarness['until']>[1], what: string) =>
  harness.until(handle(), accept, what);

/** What each recipe does, keyed by its first words. */
const checks: [RegExp, Check][] = [
  [
    /^temporal workflow start /,
    async (command) => {
      expect(command).toContain(`--task-queue ${harness.taskQueue} `);
      const { settings } = inputOf(command) as { settings: { flavor: string; minRunners: number } };
      expect(`flavor-${settings.flavor}`).toBe(WORKFLOW_ID);
      await stateUntil((s) => s.currentRunners === settings.minRunners, 'minRunners runners');
    },
  ],
  [
    /^temporal workflow query .*--name state/,
    async (_, stdout) => {
      expect(stdout).toMatch(field('flavor', '"?small"?'));
      expect(stdout).toMatch(field('currentRunners', '1'));
    },
  ],
  [
    /^temporal workflow signal .*--name setFallbackRunners/,
    async (command) => {
      await stateUntil((s) => s.fallbackRunners === inputOf(command), 'the signalled fallback');
    },
  ],
  [
    /^temporal workflow update execute .*--name setFallbackRunners/,
    async (command, stdout) => {
      expect(stdout).toMatch(field('fallbackRunners', String(inputOf(command))));
      expect((await harness.state(handle())).fallbackRunners).toBe(inputOf(command));
    },
  ],
  [
    /^temporal workflow update execute .*--name applySettings/,
    async (command, stdout) => {
      const { minRunners } = inputOf(command) as { minRunners: number };
      expect(stdout).toMatch(field('changed', '\\["?minRunners"?\\]'));
      const state = await stateUntil((s) => s.currentRunners === minRunners, 'the new settings in force');
      expect(state).toMatchObject({ minRunners, runs: 2 });
    },
  ],
  [
    /^temporal workflow update execute .*--name flush --input '\{\}'/,
    async () => {
      // The two runners have just booted: their idleness is not confirmed, so a plain flush keeps them.
      const { lastFlush } = await harness.state(handle());
      expect(lastFlush?.deleted).toEqual([]);
      expect(harness.fleet('small').runners.size).toBe(2);
    },
  ],
  [
    /^temporal workflow update execute .*--name flush --input '\{"busy": true\}'/,
    async (_, stdout) => {
      const { lastFlush, stopping } = await harness.state(handle());
      expect(lastFlush?.deleted).toHaveLength(2);
      for (const name of lastFlush!.deleted) expect(stdout).toContain(name);
      if (!stopping) return;
      // During a stop, the busy flush leaves nothing to drain: the stop ends, no VM left.
      await eventually(
        async () => (await handle().describe()).status.name,
        (status) => status === 'CANCELLED',
        { what: 'the flavor cancelled' },
      );
      expect(harness.fleet('small').runners.size).toBe(0);
    },
  ],
  [
    /^temporal workflow cancel /,
    async () => {
      // Its two runners have just booted: the stop keeps them until their idleness is confirmed.
      await stateUntil((s) => s.stopping === true && s.lastFlush !== undefined, 'the stop draining');
      expect(harness.fleet('small').runners.size).toBe(2);
    },
  ],
];

test('every temporal CLI recipe of the README runs as written and does what it says', async () => {
  const cli = temporalCliPath();
  if (!cli) throw new Error('the temporal CLI is not installed: run scripts/temporal-server.sh');
  const recipes = readmeRecipes(readFileSync(README, 'utf8'));
  const shellEnv = {
    ...cleanEnv(),
    PATH: `${path.dirname(cli)}${path.delimiter}${process.env.PATH}`,
    TEMPORAL_ADDRESS: harness.env.address,
  };
  const used = new Set<RegExp>();
  for (const recipe of recipes) {
    const matching = checks.filter(([pattern]) => pattern.test(recipe));
    expect({ recipe, checks: matching.length }).toEqual({ recipe, checks: 1 });
    const [pattern, check] = matching[0];
    used.add(pattern);
    const { stdout } = await promisify(execFile)('sh', ['-c', recipe], { env: shellEnv }).catch((err) => {
      throw new Error(`recipe failed: ${recipe}\n${err.stderr ?? err.message}`);
    });
    await check(recipe, stdout);
  }
  expect(checks.filter(([pattern]) => !used.has(pattern)).map(([pattern]) => String(pattern))).toEqual([]);
});
