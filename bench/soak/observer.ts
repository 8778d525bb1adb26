/**
 * Watches the simulators' own records every half second and judges them with the invariants: twin VMs,
 * killed jobs, orphans past their bound, a stopped flavor's leftovers, and, once the faults are over,
 * whether each flavor stands at its desired count. It also keeps the samples of the timeline.
 */
import type { SimulatedCloud } from '../../simulators/cloud';
import { clampDesired } from '../../policy/desired';
import type { SoakWindow } from './events';
import {
  clearSince,
  convergedTo,
  judgeKill,
  leftAfterStop,
  overdueOrphans,
  trackOrphans,
  twinVms,
  type Observation,
  type Orphans,
} from './invariants';
import type { Operator } from './operator';
import { CONVERGENCE_BUDGET_MS, ORPHAN_BOUND_MS, SLACK_MS, SOAK_SETTINGS } from './settings';

export interface Violation {
  /** Seconds since the soak began. */
  at: number;
  invariant: string;
  detail: string;
  /** The events carried out in the minute before, latest last. */
  before: string[];
}

export interface Sample {
  at: number;
  flavors: Record<string, { pressure: number; vms: number; busy: number }>;
}

export interface Observer {
  readonly violations: Violation[];
  readonly samples: Sample[];
  /** Invariant evaluations made, per invariant. */
  readonly checks: Record<string, number>;
  /** Jobs killed in the race a lagging flag leaves open (invariants.ts, judgeKill): counted, not violations. */
  readonly lagRaceKills: string[];
  /** A stopped flavor's workflow ended this way: it must have ended cancelled, leaving nothing behind. */
  stopped(flavor: string, outcome: string): void;
  /** The faults are over from now: desired must stand by the deadline. Answers when it stood, per flavor. */
  expectConvergence(quietSince: number): Promise<Record<string, number | undefined>>;
  /** Records an event carried out, for the context of later violations. */
  eventDone(description: string): void;
  stop(): void;
}

const SAMPLE_MS = 500;
const TIMELINE_EVERY = 2;
const CONTEXT_MS = 60_000;

export function startObserver(options: {
  cloud: SimulatedCloud;
  flavors: string[];
  managerId: string;
  operator: Operator;
  windows: SoakWindow[];
  startedAt: number;
}): Observer {
  const { cloud, flavors, managerId, operator, windows, startedAt } = options;
  const violations: Violation[] = [];
  const samples: Sample[] = [];
  const checks: Record<string, number> = {};
  const lagRaceKills: string[] = [];
  const recent: { at: number; text: string }[] = [];
  const reported = new Set<string>();
  let orphans: Orphans = new Map();
  let killsSeen = 0;
  let ticks = 0;

  const since = (at: number) => Math.round((at - startedAt) / 100) / 10;
  const violate = (invariant: string, detail: string, once = `${invariant}: ${detail}`) => {
    if (reported.has(once)) return;
    reported.add(once);
    const now = Date.now();
    const before = recent
      .filter((event) => event.at >= now - CONTEXT_MS)
      .map((event) => `${since(event.at)} s ${event.text}`);
    violations.push({ at: since(now), invariant, detail, before });
  };
  const checked = (invariant: string) => (checks[invariant] = (checks[invariant] ?? 0) + 1);

  const observe = (): Observation => {
    const flavorOf = (name: string) => flavors.find((flavor) => name.startsWith(`${flavor}-`));
    return {
      at: Date.now(),
      vms: cloud.openstack
        .servers()
        .filter(
          (vm) => vm.metadata['runner-autoscaler'] === managerId && flavors.includes(vm.metadata['runner-flavor']),
        )
        .map((vm) => ({
          name: vm.name,
          flavor: vm.metadata['runner-flavor'],
          status: vm.status,
          createdMs: Date.parse(vm.created),
        })),
      registrations: cloud.github.runners().flatMap((runner) => {
        const flavor = flavorOf(runner.name);
        return flavor ? [{ name: runner.name, flavor, status: runner.status, busy: runner.busy }] : [];
      }),
    };
  };

  const sample = () => {
    const observation = observe();
    for (const name of twinVms(observation.vms)) {
      const created = observation.vms
        .filter((vm) => vm.name === name)
        .map((vm) => new Date(vm.createdMs).toISOString());
      violate('never two VMs with one name', `two VMs named ${name}, created ${created.join(' and ')}`);
    }
    checked('never two VMs with one name');

    const killed = cloud.github.killedJobs();
    for (const kill of killed.slice(killsSeen)) {
      const judgement = judgeKill(kill, SOAK_SETTINGS.idleConfirmSeconds, SLACK_MS);
      const what = `job ${kill.jobId ?? '?'} on ${kill.runnerName}: ${judgement.why}`;
      if (judgement.violation) violate('never a busy runner deleted, nor a VM under a running job', what);
      else lagRaceKills.push(what);
    }
    killsSeen = killed.length;
    checked('never a busy runner deleted, nor a VM under a running job');

    orphans = trackOrphans(orphans, observation);
    const clear = clearSince(
      windows.filter((window) => window.blocksCleanup),
      observation.at,
    );
    for (const overdue of overdueOrphans(orphans, observation.at, ORPHAN_BOUND_MS, clear)) {
      violate(
        'no VM without registration nor registration without VM past boot timeout + a tick',
        overdue,
        overdue.replace(/ for .*/, ''),
      );
    }
    checked('no VM without registration nor registration without VM past boot timeout + a tick');

    if (ticks++ % TIMELINE_EVERY === 0) {
      samples.push({
        at: since(observation.at),
        flavors: Object.fromEntries(
          flavors.map((flavor) => [
            flavor,
            {
              pressure: cloud.planner.pressure(flavor) ?? 0,
              vms: observation.vms.filter((vm) => vm.flavor === flavor).length,
              busy: observation.registrations.filter((r) => r.flavor === flavor && r.busy).length,
            },
          ]),
        ),
      });
    }
    return observation;
  };
  const timer = setInterval(sample, SAMPLE_MS);

  return {
    violations,
    samples,
    checks,
    lagRaceKills,
    stopped(flavor, outcome) {
      checked('after a stop, no VM and no registration of the flavor');
      if (outcome !== 'cancelled')
        violate('after a stop, no VM and no registration of the flavor', `${flavor}'s workflow ended ${outcome}`);
      const left = leftAfterStop(observe(), flavor);
      if (left.length > 0)
        violate('after a stop, no VM and no registration of the flavor', `${flavor} left ${left.join(', ')}`);
    },
    async expectConvergence(quietSince) {
      const deadline = quietSince + CONVERGENCE_BUDGET_MS;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, quietSince - Date.now())));
      const reached: Record<string, number | undefined> = {};
      const targetOf = (flavor: string) => {
        const settings = { ...SOAK_SETTINGS, ...operator.settings.get(flavor) };
        return clampDesired(cloud.planner.pressure(flavor) ?? 0, settings.minRunners, settings.maxRunners);
      };
      for (;;) {
        const observation = sample();
        for (const flavor of flavors) {
          const converged = convergedTo(observation, flavor, targetOf(flavor));
          if (converged) reached[flavor] ??= Math.round((observation.at - quietSince) / 100) / 10;
          else delete reached[flavor];
        }
        if (Date.now() >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      }
      for (const flavor of flavors) {
        checked('after the last fault, desired reached within two ticks');
        if (reached[flavor] === undefined) {
          const observation = observe();
          const vms = observation.vms.filter((vm) => vm.flavor === flavor).map((vm) => `${vm.name} ${vm.status}`);
          const registrations = observation.registrations
            .filter((r) => r.flavor === flavor)
            .map((r) => `${r.name} ${r.status}${r.busy ? ' busy' : ''}`);
          violate(
            'after the last fault, desired reached within two ticks',
            `${flavor}: desired ${targetOf(flavor)}, ${CONVERGENCE_BUDGET_MS / 1000} s after the last fault VMs [${vms.join(', ')}], registrations [${registrations.join(', ')}]`,
          );
        }
      }
      return reached;
    },
    eventDone(text) {
      recent.push({ at: Date.now(), text });
      while (recent.length > 0 && recent[0].at < Date.now() - CONTEXT_MS) recent.shift();
    },
    stop: () => clearInterval(timer),
  };
}
