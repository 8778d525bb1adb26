import { WorkflowUpdateFailedError } from '@temporalio/client';
import { applySettingsUpdate } from '../../contracts/definitions';
import { startFlavor } from '../../contracts/start-flavor';
import type { FlavorSettingsInput } from '../../contracts/settings';
import { rejectionReason } from '../cli-error';
import { executeUpdateRetrying } from '../update-retry';
import type { CommandContext, ExitCode } from './context';

/**
 * Brings each flavor's workflow to the file's settings: a flavor without a running workflow gets one
 * started; a running one gets the `applySettings` update, which continues it as new only when some
 * setting changed. Applying the same file again changes nothing. Flavors missing from the file are left
 * alone (`stop` ends them). The file was checked as a whole before this runs, so a bad file changes nothing.
 */
export async function apply(context: CommandContext, flavors: FlavorSettingsInput[]): Promise<ExitCode> {
  let exitCode: ExitCode = 0;
  for (const settings of flavors) {
    try {
      context.print(`${settings.flavor}: ${await applyOne(context, settings)}`);
    } catch (err) {
      if (!(err instanceof WorkflowUpdateFailedError)) throw err;
      context.print(`${settings.flavor}: rejected: ${rejectionReason(err)}`);
      exitCode = 1;
    }
  }
  return exitCode;
}

async function applyOne({ client, taskQueue }: CommandContext, settings: FlavorSettingsInput): Promise<string> {
  // Starting first costs one call for a new flavor; a running one answers "already started" (a closed one
  // is started again, the default reuse policy).
  const { handle, started } = await startFlavor(client, { taskQueue, settings });
  if (started) return 'started';
  const { changed } = await executeUpdateRetrying(handle, applySettingsUpdate, [settings]);
  return changed.length === 0 ? 'unchanged' : `updated ${changed.join(', ')}`;
}
