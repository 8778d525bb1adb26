import type { DeleteIdleRunnersResult, RunnerInfo } from '../../contracts/activities';
import { removeRunner } from './cleanup';
import type { FleetOptions } from './options';
import type { Compute, RunnerRegistry } from './ports';

/**
 * Soft delete: walks the idle candidates, in waves of the number still to delete, until `count` are
 * gone. Each goes GitHub side first; one that took a job meanwhile (422) is kept, VM and all, and the
 * next candidate is tried instead.
 */
export async function deleteIdleRunners(
  deps: { compute: Compute; registry: RunnerRegistry; options: FleetOptions },
  candidates: RunnerInfo[],
  count: number,
): Promise<DeleteIdleRunnersResult> {
  const result: DeleteIdleRunnersResult = { deleted: [], keptBusy: [] };
  let next = 0;
  while (result.deleted.length < count && next < candidates.length) {
    const wave = candidates.slice(next, next + count - result.deleted.length);
    next += wave.length;
    await Promise.all(
      wave.map(async (candidate) => {
        const outcome = await removeRunner(deps, {
          vm: candidate.vmId ? { id: candidate.vmId } : undefined,
          registration: candidate.githubRunnerId !== undefined ? { id: candidate.githubRunnerId } : undefined,
        });
        (outcome === 'busy' ? result.keptBusy : result.deleted).push(candidate.name);
      }),
    );
  }
  return result;
}
