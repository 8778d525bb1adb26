import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseFlavors } from '../../contracts/flavors-file';
import { resolveSettings } from '../../contracts/settings';
import { scheduleAt } from '../../policy/schedules';

/** The README's schedules example is a valid flavors file, and means what the README says it does. */
function readmeExample(): string {
  const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const section = readme.split('### Scheduled warm capacity')[1] ?? '';
  const block = /```yaml\n([\s\S]*?)\n```/.exec(section);
  if (!block) throw new Error('README.md: no ```yaml block in "Scheduled warm capacity"');
  return block[1];
}

test('the README’s schedules example applies, and its windows do what its comments say', () => {
  const [small] = parseFlavors(readmeExample(), 'README example').map(resolveSettings);
  expect(small.schedules.map((window) => window.name)).toEqual(['workday', 'release-morning']);
  // Monday 2 November 2026, Berlin on CET (UTC+1).
  const at = (iso: string) => scheduleAt(small, Date.parse(iso));
  expect(at('2026-11-02T06:59:00Z')).toMatchObject({ minRunners: 0, maxRunners: 20 });
  expect(at('2026-11-02T07:00:00Z')).toMatchObject({ minRunners: 5, nextChangeAt: '2026-11-02T17:00:00.000Z' });
  // Tuesday 09:00–12:00: both windows, the higher floor and the more generous cap.
  expect(at('2026-11-03T08:30:00Z')).toMatchObject({ minRunners: 12, maxRunners: 40 });
  expect(at('2026-11-03T11:00:00Z')).toMatchObject({ minRunners: 5, maxRunners: 20 });
  expect(at('2026-11-07T12:00:00Z')).toMatchObject({ minRunners: 0, nextChangeAt: '2026-11-09T07:00:00.000Z' });
});
