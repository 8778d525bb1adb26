import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';

/**
 * deploy/prometheus/alerts.yaml under Prometheus's own promtool (from Debian's prometheus package,
 * installed by scripts/promtool.sh when missing): the rules check, every alert has a unit test in
 * alerts.test.yaml that expects it to fire, and they pass; an alert made never to fire, or a broken
 * expression, is caught.
 */
const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const rulesDir = path.join(root, 'deploy', 'prometheus');
const rulesFile = path.join(rulesDir, 'alerts.yaml');
const testsFile = path.join(rulesDir, 'alerts.test.yaml');
let promtool: string;
let scratch: string;

interface Rule {
  alert: string;
  expr: string;
}
const rules = (): Rule[] => (parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: Rule[] }[] }).groups[0].rules;

beforeAll(async () => {
  promtool = (await run('bash', [path.join(root, 'scripts', 'promtool.sh')], { timeout: 300_000 })).stdout.trim();
  scratch = mkdtempSync(path.join(tmpdir(), 'alert-rules-'));
  copyFileSync(testsFile, path.join(scratch, 'alerts.test.yaml'));
}, 300_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** promtool's exit code and output; a failure is an answer here, not a throw. */
async function promtoolSays(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(promtool, args, { cwd: rulesDir });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** The rules with one alert's expression replaced, beside a copy of the unit tests. */
function plantedRules(alert: string, expr: string): string {
  const doc = parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: Rule[] }[] };
  const rule = doc.groups[0].rules.find((r) => r.alert === alert)!;
  rule.expr = expr;
  const file = path.join(scratch, 'alerts.yaml');
  writeFileSync(file, stringify(doc));
  return file;
}

test('promtool check rules passes them', async () => {
  const result = await promtoolSays('check', 'rules', rulesFile);
  expect(result).toEqual({ code: 0, output: expect.stringContaining(`SUCCESS: ${rules().length} rules found`) });
});

test('every alert has a unit test that expects it to fire, and promtool test rules passes them all', async () => {
  const tests = parse(readFileSync(testsFile, 'utf8')) as {
    tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
  };
  const firing = new Set(
    tests.tests.flatMap((t) => t.alert_rule_test.filter((c) => c.exp_alerts.length > 0).map((c) => c.alertname)),
  );
  expect(
    rules()
      .map((r) => r.alert)
      .filter((alert) => !firing.has(alert)),
  ).toEqual([]);
  expect(rules()).toHaveLength(7);
  const result = await promtoolSays('test', 'rules', testsFile);
  expect(result).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
});

test.each(rules().map((r) => r.alert))('%s made never to fire fails its unit test', async (alert) => {
  plantedRules(alert, 'absent(vector(1))');
  const result = await promtoolSays('test', 'rules', path.join(scratch, 'alerts.test.yaml'));
  expect(result.code).not.toBe(0);
  expect(result.output).toContain(`alertname: ${alert}`);
});

test('a broken expression fails promtool check rules', async () => {
  const file = plantedRules('WorkerDown', 'up{job="runner-autoscaler" == 0');
  const result = await promtoolSays('check', 'rules', file);
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/FAILED|parse error/);
});
