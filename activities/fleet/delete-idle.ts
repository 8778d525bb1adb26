import type { DeleteIdleRunnersResult, RunnerFailure, RunnerInfo } from '../../contracts/activities';
import { removeRunner } from './cleanup';
import { errorMessage, mapConcurrent } from './concurrency';
import type { FleetLog } from './log';
import type { FleetOptions } from './options';
import type { Compute, RunnerRegistry } from './ports';

/**
 * Soft delete: walks the idle candidates, in waves of the number still to delete, until `count` are
 * gone. Each goes GitHub side first; one that took a job meanwhile (422) is kept, VM and all, and the
 * next candidate is tried instead. A candidate whose delete fails is reported and left: the others'
 * deletes stand and are reported, so the workflow's count stays true.
 */
export async function deleteIdleRunners(
  deps: { compute: Compute; registry: RunnerRegistry; options: FleetOptions; log: FleetLog },
  candidates: RunnerInfo[],
  count: number,
): Promise<DeleteIdleRunnersResult> {
  const result: DeleteIdleRunnersResult = { deleted: [], keptBusy: [] };
  const failed: RunnerFailure[] = [];
  let next = 0;
  while (result.deleted.length < count && next < candidates.length) {
    const wave = candidates.slice(next, next + count - result.deleted.length);
    next += wave.length;
    await mapConcurrent(wave, deps.options.createConcurrency, async (candidate) => {
      try {
        const outcome = await removeRunner(deps, {
          vm: candidate.vmId ? { id: candidate.vmId } : undefined,
          registration: candidate.githubRunnerId !== undefined ? { id: candidate.githubRunnerId } : undefined,
        });
        (outcome === 'busy' ? result.keptBusy : result.deleted).push(candidate.name);
      } catch (err) {
        deps.log.warn('soft delete could not remove a runner', { runner: candidate.name, error: errorMessage(err) });
        failed.push({ name: candidate.name, reason: errorMessage(err) });
      }
    });
  }
  return failed.length > 0 ? { ...result, failed } : result;
}
