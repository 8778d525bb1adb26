import { readFileSync } from 'node:fs';
import path from 'node:path';
import { settingsTableRows } from '../../contracts/settings-docs';

/** The README's "Flavor settings" table, as rows of trimmed cells. */
function readmeSettingsRows(): string[][] {
  const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const section = readme.split('### Flavor settings')[1]?.split('\n#')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

test("the README's settings table is the schema's: every field, its default and its meaning", () => {
  const rows = readmeSettingsRows();
  // A table the parser cannot find would compare empty to empty: it must have found rows.
  expect(rows.length).toBeGreaterThan(10);
  expect(rows).toEqual(settingsTableRows());
});
