/**
 * Each scheduled event carried out on the real pieces: the simulators' fault controls, the worker
 * processes, the Temporal server and the operator's calls. A fault holds for its window and is then
 * taken back; every window is recorded as it really happened (a restart's window lasts until the
 * process answers again), for the timeline and for the invariants that must allow for outages.
 */
import type { SimulatedCloud } from '../../simulators/cloud';
import type { FaultWindow } from './invariants';
import type { JobDriver } from './jobs';
import type { Operator } from './operator';
import type { EventKind, SoakEvent } from './schedule';
import { BOOT_DELAY_MS, TICK_MS } from './settings';
import type { SoakTemporal } from './temporal-server';
import type { WorkerPool } from './workers';

export interface SoakWindow extends FaultWindow {
  channel: string;
  flavor?: string;
  /** Whether a cleanup tick can get through it: an orphan's time is counted only outside such windows. */
  blocksCleanup: boolean;
}

export interface SoakContext {
  cloud: SimulatedCloud;
  temporal: SoakTemporal;
  workers: WorkerPool;
  workerCount: number;
  jobs: JobDriver;
  operator: Operator;
  windows: SoakWindow[];
  /** The planner's minimum pressure per flavor, kept while the planner has the flavor deleted. */
  minimumPressure: Map<string, number>;
  deletedAtPlanner: Set<string>;
  /** A stop's outcome: the check of what it left behind is the observer's. */
  onStopped(flavor: string, outcome: string): void;
}

/** Faults a cleanup tick cannot get through, with what is left to wait once they end. */
function recoveryOf(kind: EventKind, value = 0): { blocksCleanup: boolean; recoveryMs: number } {
  switch (kind) {
    case 'worker-sigkill':
    case 'worker-sigterm':
    case 'workers-sigkill-all':
      // A dead worker's workflow task times out (10 s) before another worker takes the flavor on.
      return { blocksCleanup: true, recoveryMs: 10_000 + TICK_MS };
    case 'temporal-restart':
    case 'openstack-5xx':
    case 'openstack-429':
    case 'github-5xx':
      return { blocksCleanup: true, recoveryMs: TICK_MS };
    case 'openstack-timeouts':
      // A create sent in the window is answered `value` ms later; the one loop waits for it.
      return { blocksCleanup: true, recoveryMs: value + TICK_MS };
    case 'github-primary-rate-limit':
    case 'github-secondary-rate-limit':
      return { blocksCleanup: true, recoveryMs: value * 1000 + TICK_MS };
    default:
      return { blocksCleanup: false, recoveryMs: 0 };
  }
}

export async function runEvent(event: SoakEvent, ctx: SoakContext): Promise<void> {
  const { cloud } = ctx;
  const { planner, openstack, github } = cloud;
  const flavor = event.flavor ?? '';
  const hold = () => sleep(event.durationMs);
  const windowed = async (begin: () => unknown, end: () => unknown, during: () => Promise<unknown> = hold) => {
    const window: SoakWindow = {
      kind: event.kind,
      channel: event.channel,
      flavor: event.flavor,
      from: Date.now(),
      ...recoveryOf(event.kind, event.value),
    };
    ctx.windows.push(window);
    try {
      await begin();
      await during();
    } finally {
      await end();
      window.to = Date.now();
    }
  };
  const plannerStatus = (status: number) =>
    windowed(
      () => {
        planner.faults.status = status;
        planner.dropStreams();
      },
      () => (planner.faults.status = undefined),
    );
  const rate = event.value ?? 0;

  switch (event.kind) {
    case 'pressure':
      ctx.minimumPressure.set(flavor, rate);
      // A deleted flavor comes back with its labels when its window ends, with this value.
      if (!ctx.deletedAtPlanner.has(flavor)) planner.setPressure(flavor, rate);
      return;
    case 'job':
      ctx.jobs.queue(flavor, event.durationMs);
      return;
    case 'worker-sigkill':
    case 'worker-sigterm':
      return windowed(
        () => undefined,
        () => undefined,
        () =>
          ctx.workers.cycle(
            [event.worker ?? 0],
            event.kind === 'worker-sigkill' ? 'SIGKILL' : 'SIGTERM',
            event.durationMs,
          ),
      );
    case 'workers-sigkill-all':
      return windowed(
        () => undefined,
        () => undefined,
        () => ctx.workers.cycle([...Array(ctx.workerCount).keys()], 'SIGKILL', event.durationMs),
      );
    case 'temporal-restart':
      return windowed(
        () => undefined,
        () => undefined,
        () => ctx.temporal.restart(event.durationMs),
      );
    case 'planner-down':
      return windowed(
        () => planner.goDown(),
        () => planner.comeBack(),
      );
    case 'planner-refusing':
      return plannerStatus(503);
    case 'planner-401':
      return plannerStatus(401);
    case 'planner-404':
      return plannerStatus(404);
    case 'planner-stall':
      return windowed(
        () => (planner.faults.stall = true),
        () => (planner.faults.stall = false),
      );
    case 'planner-delete-flavor':
      return windowed(
        () => {
          ctx.deletedAtPlanner.add(flavor);
          planner.removeFlavor(flavor);
        },
        () => {
          ctx.deletedAtPlanner.delete(flavor);
          planner.defineFlavor(flavor, { labels: [flavor], minimumPressure: ctx.minimumPressure.get(flavor) ?? 0 });
        },
      );
    case 'openstack-5xx':
      return windowed(
        () => openstack.setFaults({ errorRate: rate }),
        () => openstack.setFaults(),
      );
    case 'openstack-429':
      return windowed(
        () => openstack.setFaults({ rateLimitRate: rate, retryAfterSeconds: 2 }),
        () => openstack.setFaults(),
      );
    case 'openstack-lost-answers':
      // The VM is made, the answer to its create is lost.
      return windowed(
        () =>
          openstack.setFaults({
            service: 'compute',
            method: 'POST',
            route: '/servers',
            dropRate: rate,
            dropAfterHandling: true,
          }),
        () => openstack.setFaults(),
      );
    case 'openstack-timeouts':
      // Creates answered after the client's timeout: Nova still makes each VM, late.
      return windowed(
        () => openstack.setFaults({ service: 'compute', method: 'POST', route: '/servers', latencyMs: rate }),
        () => openstack.setFaults(),
      );
    case 'openstack-slow-boots':
      return windowed(
        () => openstack.setBootDelay(rate),
        () => openstack.setBootDelay(BOOT_DELAY_MS),
      );
    case 'github-5xx':
      return windowed(
        () => (github.faults.errorRate = rate),
        () => (github.faults.errorRate = 0),
      );
    case 'github-primary-rate-limit':
    case 'github-secondary-rate-limit':
      return windowed(
        () => {
          const kind = event.kind === 'github-primary-rate-limit' ? 'primary' : 'secondary';
          github.faults.rateLimit = { kind, count: Number.MAX_SAFE_INTEGER, retryAfterSeconds: rate };
        },
        () => (github.faults.rateLimit = undefined),
      );
    case 'github-busy-lag':
      return windowed(
        () => (github.faults.busyLagMs = rate),
        () => (github.faults.busyLagMs = 0),
      );
    case 'apply':
      if (ctx.operator.stopping.has(flavor)) return;
      return ctx.operator.apply(flavor, rate);
    case 'flush':
      if (ctx.operator.stopping.has(flavor)) return;
      return ctx.operator.flush(flavor);
    case 'stop-start':
      if (ctx.operator.stopping.has(flavor)) return;
      return windowed(
        () => undefined,
        () => undefined,
        async () => {
          ctx.onStopped(flavor, await ctx.operator.stop(flavor));
          await ctx.operator.start(flavor);
        },
      );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
