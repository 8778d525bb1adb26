import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { InvalidSettingsError, resolveSettings, type FlavorSettingsInput } from './settings';

/**
 * The flavors file: one entry per flavor under `flavors:`, keyed by the flavor name, holding that
 * flavor's workflow settings (see the README's settings table). Shared by `apply` and the webhook
 * intake. Every entry is checked the way the workflow checks its input, and all problems are listed at
 * once, so a bad file changes nothing.
 *
 *   flavors:
 *     small: { mode: planner, image: ubuntu-24.04, openstackFlavor: m1.small, network: ci, maxRunners: 50 }
 */
export class FlavorsFileError extends Error {}

export function loadFlavorsFile(path: string): FlavorSettingsInput[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FlavorsFileError(`cannot read flavors file ${path}: ${(err as Error).message}`);
  }
  return parseFlavors(text, path);
}

export function parseFlavors(text: string, source = 'flavors file'): FlavorSettingsInput[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (err) {
    throw new FlavorsFileError(`${source}: not valid YAML: ${(err as Error).message}`);
  }
  const flavors = (document as { flavors?: unknown } | null)?.flavors;
  if (typeof flavors !== 'object' || flavors === null || Array.isArray(flavors)) {
    throw new FlavorsFileError(`${source}: expected a "flavors:" map of flavor name → settings`);
  }
  const problems: string[] = [];
  const entries: FlavorSettingsInput[] = [];
  for (const [flavor, settings] of Object.entries(flavors)) {
    if (settings !== null && (typeof settings !== 'object' || Array.isArray(settings))) {
      problems.push(`flavors.${flavor}: expected a map of settings`);
      continue;
    }
    const entry = { ...(settings ?? {}), flavor } as FlavorSettingsInput;
    if ('flavor' in (settings ?? {}) && (settings as { flavor: unknown }).flavor !== flavor) {
      problems.push(`flavors.${flavor}: "flavor" must be left out or equal the key`);
      continue;
    }
    try {
      resolveSettings(entry);
      entries.push(entry);
    } catch (err) {
      if (!(err instanceof InvalidSettingsError)) throw err;
      problems.push(`flavors.${flavor}: ${err.message}`);
    }
  }
  if (problems.length > 0) throw new FlavorsFileError(`${source} is invalid:\n  ${problems.join('\n  ')}`);
  if (entries.length === 0) throw new FlavorsFileError(`${source}: no flavors`);
  return entries;
}
