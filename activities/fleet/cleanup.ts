import { ownsRunnerName } from '../../contracts/runner-names';
import type { CleanupRunnersResult, RunnerFailure, RunnerSpec } from '../../contracts/activities';
import { errorMessage, mapConcurrent } from './concurrency';
import { ownershipMetadata } from './create';
import { joinFleet, planCleanup, runnerInfo, runnerState, type JoinedRunner } from '../../policy/cleanup';
import type { FleetLog } from './log';
import type { FleetOptions } from './options';
import type { Compute, RunnerRegistry } from './ports';

type Deps = { compute: Compute; registry: RunnerRegistry; options: FleetOptions; log: FleetLog };

/** This flavor's runners, joined: one paginated VM list and one paginated GitHub list. */
export async function listFleet({ compute, registry, options }: Deps, spec: RunnerSpec): Promise<JoinedRunner[]> {
  const owns = (name: string) => ownsRunnerName(spec.runnerNamePrefix, name);
  const [vms, registrations] = await Promise.all([
    compute.listServers({
      metadata: ownershipMetadata(options.managerId, spec.flavor),
      namePrefix: spec.runnerNamePrefix,
    }),
    registry.listRunners(owns),
  ]);
  return joinFleet(
    vms.filter((vm) => owns(vm.name)),
    registrations,
  );
}

/**
 * A cleanup tick: remove what planCleanup names, GitHub registration first. A registration GitHub
 * refuses to delete (422: a job just took it) keeps its VM, and the runner stays in the count. A
 * removal that fails for another reason is logged and left for the next tick.
 */
export async function cleanupRunners(
  deps: Deps,
  spec: RunnerSpec,
  bootTimeoutSeconds: number,
): Promise<CleanupRunnersResult> {
  const plan = planCleanup(await listFleet(deps, spec), Date.now(), bootTimeoutSeconds);
  const result: CleanupRunnersResult = { removed: [], runners: plan.survivors };
  const failed: RunnerFailure[] = [];
  await mapConcurrent(plan.remove, deps.options.createConcurrency, async ({ runner, reason, detail }) => {
    try {
      // The paginated GitHub list can miss a runner when others vanish between its pages: before a VM
      // goes for lack of a registration, ask GitHub by name. A runner found there is kept, busy or not.
      const missed = !runner.registration && !runner.duplicate && (await deps.registry.findRunner(runner.name));
      if (missed) {
        const found = { ...runner, registration: missed };
        result.runners.push(runnerInfo(found, runnerState(found, false)));
      } else if ((await removeRunner(deps, runner)) === 'busy') {
        result.runners.push(runnerInfo(runner, 'busy'));
      } else {
        result.removed.push({ name: runner.name, reason, detail });
      }
    } catch (err) {
      deps.log.warn('cleanup could not remove a runner', {
        runner: runner.name,
        reason: detail,
        error: errorMessage(err),
      });
      failed.push({ name: runner.name, reason: errorMessage(err) });
      result.runners.push(runnerInfo(runner, runner.vm?.status === 'ERROR' ? 'error' : 'offline'));
    }
  });
  return failed.length > 0 ? { ...result, failed } : result;
}

/** Deletes the registration, then the VM; 'busy' when GitHub refused because the runner took a job. */
export async function removeRunner(
  { compute, registry }: Pick<Deps, 'compute' | 'registry'>,
  runner: { vm?: { id: string }; registration?: { id: number }; duplicate?: true },
): Promise<'removed' | 'busy'> {
  const registration = runner.duplicate ? undefined : runner.registration;
  if (registration && (await registry.deleteRunner(registration.id)) === 'busy') return 'busy';
  if (runner.vm) await compute.deleteServer(runner.vm.id);
  return 'removed';
}
