/**
 * The README's settings table, from the settings schema: one row per setting with its default and its
 * description (test/contracts/settings-docs.test.ts holds the README to it).
 */
import { flavorSettingsShape } from './settings';

export type SettingRow = [name: string, defaultValue: string, meaning: string];

export function settingsTableRows(): SettingRow[] {
  return Object.entries(flavorSettingsShape).map(([name, schema]) => {
    const def = schema._zod.def as { type: string; defaultValue?: unknown };
    const shown =
      name === 'flavor'
        ? 'required'
        : def.type === 'default'
          ? `\`${typeof def.defaultValue === 'string' && def.defaultValue ? def.defaultValue : JSON.stringify(def.defaultValue)}\``
          : '`flavor`'; // plannerFlavor and runnerNamePrefix default to the flavor's name
    return [`\`${name}\``, shown, schema.description ?? ''];
  });
}
