import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { LogCapture, levelFrom, type CapturedEntry } from './log-capture';

/** The suite's log capture: what a failed test prints, and that a green test prints nothing. */
const sdk = (level: CapturedEntry['level'], message: string, workflowId?: string): CapturedEntry => ({
  level,
  message,
  meta: workflowId ? { workflowId, namespace: 'default' } : undefined,
  source: 'sdk',
  atMs: Date.parse('2026-01-01T10:00:00Z'),
});

describe('LogCapture', () => {
  test('a test gets its own entries: a workflow an earlier test started stays out of its report', () => {
    const capture = new LogCapture(() => undefined, 'WARN', 'ERROR');
    capture.begin('first');
    capture.record(sdk('WARN', 'stream down', 'flavor-a'));
    capture.begin('second');
    capture.record(sdk('WARN', 'stream down again', 'flavor-a'));
    capture.record(sdk('WARN', 'create failed', 'flavor-b'));
    capture.record(sdk('WARN', 'worker warning'));
    expect(capture.take().map((entry) => entry.message)).toEqual(['create failed', 'worker warning']);
    expect(capture.take()).toEqual([]);
  });

  test('SDK entries below the recorded level are dropped, console output is kept, errors print at once', () => {
    const printed: string[] = [];
    const capture = new LogCapture((text) => printed.push(text), 'WARN', 'ERROR');
    capture.begin('t');
    capture.record(sdk('INFO', 'state changed'));
    capture.record({ ...sdk('INFO', 'printed by the test'), source: 'console' });
    capture.record(sdk('ERROR', 'worker crashed'));
    expect(capture.take().map((entry) => entry.message)).toEqual(['printed by the test', 'worker crashed']);
    expect(printed).toEqual([expect.stringContaining('ERROR worker crashed')]);
  });

  test('a report names the test and each entry with its level and metadata, routine fields left out', () => {
    const capture = new LogCapture(() => undefined);
    capture.begin('t');
    expect(capture.report('t')).toBeUndefined();
    capture.record(sdk('WARN', 'create failed', 'flavor-a'));
    const report = capture.report('t');
    expect(report).toContain('── what "t" logged (1) ──');
    expect(report).toContain('10:00:00.000 WARN  create failed workflowId="flavor-a"');
    expect(report).not.toContain('namespace');
  });

  test('levels come from the environment, and a wrong one is an error naming the choices', () => {
    expect(levelFrom(undefined, 'WARN')).toBe('WARN');
    expect(levelFrom('info', 'WARN')).toBe('INFO');
    expect(() => levelFrom('loud', 'WARN')).toThrow('unknown log level "loud": one of TRACE, DEBUG, INFO, WARN, ERROR');
  });
});

test('under the suite environment a failed test prints what it logged, a green one nothing', async () => {
  const root = path.resolve(__dirname, '../..');
  const dir = mkdtempSync(path.join(tmpdir(), 'log-environment-'));
  writeFileSync(
    path.join(dir, 'planted.test.js'),
    `const { testLogs } = require(${JSON.stringify(path.join(root, 'test/support/log-capture.ts'))});
     const sdk = (message, workflowId) => ({ level: 'WARN', message, meta: { workflowId }, source: 'sdk', atMs: Date.now() });
     test('green', () => { console.log('green' + '-marker'); testLogs().record(sdk('green' + '-warning', 'flavor-g')); });
     test('red', () => { console.warn('red-marker'); testLogs().record(sdk('red-warning', 'flavor-r')); expect(1).toBe(2); });`,
  );
  const config = {
    rootDir: dir,
    testEnvironment: path.join(root, 'test/setup/log-environment.ts'),
    transform: { '^.+\\.ts$': require.resolve('@swc/jest') },
  };
  const jest = require.resolve('jest/bin/jest');
  const run = promisify(execFile)(process.execPath, [jest, '--config', JSON.stringify(config), '--ci'], {
    cwd: dir,
    env: { ...process.env, TEST_LOG_LEVEL: '', TEST_LOG_LIVE: '' },
  });
  const failed = await run.catch((err: { code: number; stderr: string }) => err);
  expect(failed).toMatchObject({ code: 1 });
  const { stderr } = failed as { stderr: string };
  expect(stderr).toMatch(/── what "red" logged \(2\) ──\n.*WARN {2}console: red-marker\n.*WARN {2}red-warning/);
  // The green test's console line and workflow warning were never printed (the markers are built at run
  // time: Jest's code frame of the failure shows the planted file's source).
  expect(stderr).not.toContain('green-marker');
  expect(stderr).not.toContain('green-warning');
}, 60_000);
