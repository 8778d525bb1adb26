import { ownsRunnerName } from '../../contracts/runner-names';
import type { CleanupRunnersResult, RunnerFailure, RunnerSpec } from '../../contracts/activities';
import { errorMessage, mapConcurrent } from './concurrency';
import { ownershipMetadata } from './create';
import {
  joinFleet,
  listClockMarginMs,
  planCleanup,
  runnerInfo,
  runnerState,
  type JoinedRunner,
} from '../../policy/cleanup';
import type { FleetLog } from './log';
import type { FleetOptions } from './options';
import type { Compute, RunnerRegistry } from './ports';
import type { SharedRunnerList } from './runner-list';

type Deps = {
  compute: Compute;
  registry: RunnerRegistry;
  runnerList: SharedRunnerList;
  options: FleetOptions;
  log: FleetLog;
};

/**
 * This flavor's runners, joined: its own VM list (filtered by name in Nova, by ownership metadata here)
 * and the worker's shared GitHub list, no older than `maxListAgeMs` (0: begun after this call). When the
 * list is older than this call, a powered-off VM's registration is asked for by name: the VM shut down
 * after its job, and the list may still show the runner GitHub has since removed.
 */
export async function listFleet(
  { compute, registry, runnerList, options }: Deps,
  spec: RunnerSpec,
  maxListAgeMs: number,
  bootTimeoutSeconds: number,
): Promise<{ joined: JoinedRunner[]; listedAt: number; askedByName: Set<string> }> {
  const calledAt = Date.now();
  const owns = (name: string) => ownsRunnerName(spec.runnerNamePrefix, name);
  const [vms, list] = await Promise.all([
    compute.listServers({
      metadata: ownershipMetadata(options.managerId, spec.flavor),
      runnerNamePrefix: spec.runnerNamePrefix,
    }),
    runnerList.get(maxListAgeMs),
  ]);
  // A list begun after this call saw every VM of the flavor: its creates and ticks never overlap. One
  // begun before may miss the registrations of VMs made since: those are not judged by it.
  const shared = list.listedAt < calledAt;
  const joined = joinFleet(
    vms.filter((vm) => owns(vm.name)),
    list.runners.filter((runner) => owns(runner.name)),
    shared ? list.listedAt : undefined,
    listClockMarginMs(bootTimeoutSeconds),
  );
  const askedByName = new Set<string>();
  if (shared) {
    const poweredOff = joined.filter((runner) => runner.vm?.status === 'SHUTOFF' && runner.registration);
    // A lookup that fails leaves the list's registration: the VM then waits for a later tick.
    await mapConcurrent(poweredOff, options.createConcurrency, async (runner) => {
      const asked = await registry.findRunner(runner.name).then(
        (registration) => ({ registration }),
        () => undefined,
      );
      if (!asked) return;
      runner.registration = asked.registration;
      askedByName.add(runner.name);
    });
  }
  return { joined, listedAt: list.listedAt, askedByName };
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
  maxListAgeMs: number,
): Promise<CleanupRunnersResult> {
  const { joined, listedAt, askedByName } = await listFleet(deps, spec, maxListAgeMs, bootTimeoutSeconds);
  const plan = planCleanup(joined, listedAt, bootTimeoutSeconds);
  const result: CleanupRunnersResult = {
    removed: [],
    runners: plan.survivors,
    listedAt: new Date(listedAt).toISOString(),
  };
  const failed: RunnerFailure[] = [];
  await mapConcurrent(plan.remove, deps.options.createConcurrency, async ({ runner, reason, detail }) => {
    try {
      // The paginated GitHub list can miss a runner when others vanish between its pages: before a VM
      // goes for lack of a registration, ask GitHub by name. A runner found there is kept, busy or not.
      const missed =
        !runner.registration &&
        !runner.duplicate &&
        !askedByName.has(runner.name) &&
        (await deps.registry.findRunner(runner.name));
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
