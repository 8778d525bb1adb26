/**
 * zod, configured once, before any schema is built: the contracts take `z` from here. In the workflow
 * sandbox the worker preloads this module (worker/workflow-bundle.ts): zod is then loaded once and
 * shared by every cached workflow, and frozen once loaded, so everything zod would otherwise write to
 * its global configuration on first use is written here:
 * - jitless: the settings are parsed inside the workflow bundle too, where `new Function` has no place;
 * - the English messages, which zod sets on the first schema it builds;
 * - the parse memoizer, which zod sets on the first object schema it builds.
 * `z` is exported whole, so the preload loads all of zod's API (its locales too: one copy for the
 * worker) rather than only what this module calls.
 */
import { z } from 'zod';

z.config({ jitless: true, ...z.locales.en(), memoizer: z.core.memoizer() });

export { z };
