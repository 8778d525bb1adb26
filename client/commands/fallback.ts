import { WorkflowUpdateFailedError } from '@temporalio/client';
import { setFallbackRunnersUpdate } from '../../contracts/definitions';
import { onRunningFlavor, rejectionReason } from '../cli-error';
import { runningFlavor } from '../flavor-handle';
import type { CommandContext, ExitCode } from './context';

/** The validated `setFallbackRunners` update: the workflow's own check decides, and its reason is shown. */
export async function fallback(context: CommandContext, flavor: string, count: number): Promise<ExitCode> {
  const handle = await runningFlavor(context.client, flavor);
  try {
    const state = await onRunningFlavor(flavor, () =>
      handle.executeUpdate(setFallbackRunnersUpdate, { args: [count] }),
    );
    context.print(
      `${flavor}: fallbackRunners ${state.fallbackRunners} (mode ${state.mode}, desired ${state.desired ?? '-'})`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    context.print(`${flavor}: rejected: ${rejectionReason(err)}`);
    return 1;
  }
}
