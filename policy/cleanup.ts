/**
 * The fleet as one joined view of VMs and GitHub registrations, and what a cleanup tick removes from
 * it: the most dangerous decision of the product, since it destroys VMs. Pure functions, table-tested
 * in cleanup.test.ts; the fleet activities (activities/fleet/) list the fleet and carry the plan out.
 */
import type { RemovalReason, RunnerInfo } from '../contracts/activities';

/** A VM as the plan needs it; the compute port's servers (activities/fleet/ports.ts) have this shape. */
export interface VmServer {
  id: string;
  name: string;
  /** Nova status: BUILD, ACTIVE, SHUTOFF, ERROR, ... */
  status: string;
  /** ISO creation time. */
  created: string;
}

/** A GitHub registration as the plan needs it; the registry port's runners have this shape. */
export interface RegisteredRunner {
  id: number;
  name: string;
  status: 'online' | 'offline';
  busy: boolean;
}

export interface JoinedRunner {
  name: string;
  vm?: VmServer;
  registration?: RegisteredRunner;
  /**
   * A second VM of the same name (a create retried after a lost answer): it is removed, VM only, unless
   * the name's registration (shown here too) is busy.
   */
  duplicate?: true;
  /**
   * A VM without a registration in a runner list that began before the VM was made: that list cannot
   * tell whether the runner is registered, so it does not judge the VM (see `joinFleet`).
   */
  newerThanList?: true;
}

/**
 * How far Nova's clock may run behind the worker's before a VM made after a runner list began looks
 * older than it: Nova's created times have whole seconds, and clocks of different hosts drift. A VM
 * made this long before the list is still not judged by it. The margin in use is capped at the boot
 * timeout (listClockMarginMs), so such a VM waits at most that long.
 */
export const LIST_CLOCK_MARGIN_MS = 60_000;

/**
 * The margin, no longer than the boot timeout: the product promises that no VM stays without a
 * registration longer than the boot timeout and a tick. A shorter margin risks nothing: a VM is made
 * after its just-in-time registration, and cleanupRunners asks GitHub by name before a VM goes for the
 * lack of one (soak seed 42, with a 20 s boot timeout, kept such VMs 60 s).
 */
export function listClockMarginMs(bootTimeoutSeconds: number): number {
  return Math.min(LIST_CLOCK_MARGIN_MS, bootTimeoutSeconds * 1000);
}

/**
 * Pairs VMs and registrations by name; both lists are already this flavor's own. Nova allows twins of
 * one name: the oldest is the runner, any younger one is marked a duplicate so that it cannot leak.
 * Nova's created time has whole seconds, and twins are usually made within one: ties keep the reverse
 * of the list's newest-first order.
 *
 * `registrationsListedAt` is when the registration list began (ms; a shared list may be older than the
 * VM list). A just-in-time runner is registered before its VM is made, so a VM made before the list
 * began and missing from it has no registration; a VM made after it may well have one the list could
 * not see. Such a VM, unless powered off, is marked `newerThanList` and is not judged by this list.
 */
export function joinFleet(
  vms: VmServer[],
  registrations: RegisteredRunner[],
  registrationsListedAt?: number,
  clockMarginMs = LIST_CLOCK_MARGIN_MS,
): JoinedRunner[] {
  const byName = new Map<string, JoinedRunner>();
  const duplicates: JoinedRunner[] = [];
  for (const vm of [...vms].reverse().sort((a, b) => a.created.localeCompare(b.created))) {
    if (byName.has(vm.name)) duplicates.push({ name: vm.name, vm, duplicate: true });
    else byName.set(vm.name, { name: vm.name, vm });
  }
  for (const registration of registrations) {
    const joined = byName.get(registration.name) ?? { name: registration.name };
    joined.registration = registration;
    byName.set(registration.name, joined);
  }
  for (const duplicate of duplicates) duplicate.registration = byName.get(duplicate.name)?.registration;
  const joined = [...byName.values(), ...duplicates].sort((a, b) => a.name.localeCompare(b.name));
  if (registrationsListedAt === undefined) return joined;
  for (const runner of joined) {
    // A powered-off VM is the exception: nothing runs on it (a just-in-time runner powers off after its
    // job), so removing it kills nothing, and cleanupRunners asks GitHub by name before it goes. Kept a
    // clock margin long, finished runners outlived the boot timeout (soak seed 42).
    const running = runner.vm?.status !== 'SHUTOFF';
    if (runner.vm && running && !runner.registration && madeAfter(runner.vm, registrationsListedAt, clockMarginMs))
      runner.newerThanList = true;
  }
  return joined;
}

/** A VM without a created time (no real Nova answers so) is judged as before: as an old one. */
function madeAfter(vm: VmServer, listedAt: number, clockMarginMs: number): boolean {
  const created = Date.parse(vm.created);
  return Number.isFinite(created) && created >= listedAt - clockMarginMs;
}

/** The state a runner is in; `bootDeadlinePassed` tells whether its VM is older than the boot timeout. */
export function runnerState(runner: JoinedRunner, bootDeadlinePassed: boolean): RunnerInfo['state'] {
  const { vm, registration } = runner;
  if (registration?.busy) return 'busy';
  if (vm?.status === 'ERROR') return 'error';
  if (registration?.status === 'online') return 'idle';
  return bootDeadlinePassed ? 'offline' : 'booting';
}

export interface PlannedRemoval {
  runner: JoinedRunner;
  /** What is wrong, as a code (metrics and the state use it), and the same in words for people. */
  reason: RemovalReason;
  detail: string;
}

export interface CleanupPlan {
  /** Runners to remove: the registration first (if any), the VM only after it. */
  remove: PlannedRemoval[];
  survivors: RunnerInfo[];
}

/**
 * Which runners a cleanup tick removes. A busy runner is never removed, whatever else is wrong with
 * it: its job finishes first. Everything else goes when it is dangling (registration without VM),
 * finished (VM without registration: a just-in-time runner deregisters after its one job), broken
 * (VM in ERROR) or stuck (still not online after the boot timeout). A VM newer than the runner list
 * is kept and counted, as booting: nothing is known of its registration yet.
 *
 * `nowMs` is when the registrations were listed: a runner is stuck if it was still offline then, past
 * its boot timeout then.
 */
export function planCleanup(joined: JoinedRunner[], nowMs: number, bootTimeoutSeconds: number): CleanupPlan {
  const plan: CleanupPlan = { remove: [], survivors: [] };
  for (const runner of joined) {
    const created = runner.vm ? Date.parse(runner.vm.created) : Number.NaN;
    const bootDeadlinePassed = Number.isFinite(created) && nowMs - created > bootTimeoutSeconds * 1000;
    const state = runnerState(runner, bootDeadlinePassed);
    // Which twin hosts a busy runner cannot be told: leave both until its job is done; nor whether the
    // runner is busy, when the twin is newer than the list.
    if (runner.duplicate && (state === 'busy' || runner.newerThanList)) continue;
    const removal = removalOf(runner, state, bootTimeoutSeconds);
    if (removal) plan.remove.push({ runner, ...removal });
    else plan.survivors.push(runnerInfo(runner, state));
  }
  return plan;
}

function removalOf(
  runner: JoinedRunner,
  state: RunnerInfo['state'],
  bootTimeoutSeconds: number,
): { reason: RemovalReason; detail: string } | undefined {
  if (runner.duplicate) return { reason: 'duplicate_vm', detail: 'duplicate VM' };
  if (state === 'busy' || runner.newerThanList) return undefined;
  if (!runner.vm) return { reason: 'registration_without_vm', detail: 'registration without VM' };
  if (!runner.registration) return { reason: 'vm_without_registration', detail: 'VM without registration' };
  if (state === 'error') return { reason: 'vm_error', detail: 'VM in ERROR' };
  if (state === 'offline') return { reason: 'boot_timeout', detail: `not online ${bootTimeoutSeconds} s after boot` };
  return undefined;
}

/** The activity-facing view of a joined runner: names and ids, nothing secret. */
export function runnerInfo(runner: JoinedRunner, state: RunnerInfo['state']): RunnerInfo {
  return {
    name: runner.name,
    state,
    vmId: runner.vm?.id,
    vmStatus: runner.vm?.status,
    githubRunnerId: runner.registration?.id,
    createdAt: runner.vm?.created,
  };
}
