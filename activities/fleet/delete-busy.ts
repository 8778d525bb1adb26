import type { DeleteBusyRunnersResult, RunnerFailure, RunnerInfo } from '../../contracts/activities';
import { errorMessage, mapConcurrent } from './concurrency';
import type { FleetLog } from './log';
import type { FleetOptions } from './options';
import type { Compute, RunnerRegistry } from './ports';

/**
 * `flush --busy`: the operator's explicit choice to kill running jobs. The VM goes first (GitHub refuses
 * to delete a busy registration), then the registration; one GitHub still calls busy is left dangling
 * for the next cleanup tick, which removes registrations without a VM.
 */
export async function deleteBusyRunners(
  deps: { compute: Compute; registry: RunnerRegistry; options: FleetOptions; log: FleetLog },
  candidates: RunnerInfo[],
): Promise<DeleteBusyRunnersResult> {
  const result: DeleteBusyRunnersResult = { deleted: [] };
  const failed: RunnerFailure[] = [];
  await mapConcurrent(candidates, deps.options.createConcurrency, async (runner) => {
    try {
      if (runner.vmId) await deps.compute.deleteServer(runner.vmId);
      if (runner.githubRunnerId !== undefined) await deps.registry.deleteRunner(runner.githubRunnerId);
      result.deleted.push(runner.name);
    } catch (err) {
      deps.log.warn('flush could not remove a busy runner', { runner: runner.name, error: errorMessage(err) });
      failed.push({ name: runner.name, reason: errorMessage(err) });
    }
  });
  return failed.length > 0 ? { ...result, failed } : result;
}
