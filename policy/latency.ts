/**
 * What the startup-latency metrics measure, decided from the workflow's own view (table tests in
 * latency.test.ts): which pressure rise a create serves, and which runners a cleanup tick sees come
 * online for the first time.
 */
import type { RunnerInfo } from '../contracts/activities';

export interface RiseInputs {
  /** When the earliest rise not yet served by a create reached the workflow. */
  pending?: string;
  /** Desired before and after the change (equal when only the runner count moved). */
  desiredBefore?: number;
  desired?: number;
  currentRunners: number;
  /** Workflow time now. */
  now: string;
}

/**
 * The rise a create has to serve next. A rise is a pressure value that raises desired above the
 * runners the workflow counts; a later rise while one is pending keeps the earlier time (the create
 * serves both), and a rise is withdrawn once there is nothing left to create for it (pressure fell back,
 * or a recount found the runners). A desired that stays above the runners without rising starts none:
 * a paused creation is still the earlier rise's wait.
 */
export function trackRise({ pending, desiredBefore, desired, currentRunners, now }: RiseInputs): string | undefined {
  const kept = settleRise(pending, desired, currentRunners);
  if (kept !== undefined || desired === undefined || desired <= currentRunners) return kept;
  return desired > (desiredBefore ?? 0) ? now : undefined;
}

/** A pending rise after the runner count moved: withdrawn when nothing is left to create for it. */
export function settleRise(pending: string | undefined, desired: number | undefined, currentRunners: number) {
  return desired === undefined || desired <= currentRunners ? undefined : pending;
}

export interface BootsSeen {
  /** Seconds from each runner's VM creation to the tick that saw it online first. */
  seconds: number[];
  /** Names still to come online. */
  awaiting: string[];
}

const online = (runner: RunnerInfo) => runner.state === 'idle' || runner.state === 'busy';

/**
 * At a cleanup tick: the runners awaited (made since, or seen booting) that are online now give their
 * boot time, up to this tick; runners seen booting join the awaited ones; names the tick no longer lists
 * are forgotten. A runner already online when first seen gives none: when it came up is unknown. The
 * figure is an upper bound, late by up to one cleanup interval.
 */
export function bootsSeen(awaiting: readonly string[], runners: readonly RunnerInfo[], nowMs: number): BootsSeen {
  const awaited = new Set(awaiting);
  const seconds: number[] = [];
  const still: string[] = [];
  for (const runner of runners) {
    if (online(runner)) {
      const created = runner.createdAt === undefined ? Number.NaN : Date.parse(runner.createdAt);
      if (awaited.has(runner.name) && Number.isFinite(created)) seconds.push(Math.max(nowMs - created, 0) / 1000);
    } else if (awaited.has(runner.name) || runner.state === 'booting') {
      still.push(runner.name);
    }
  }
  return { seconds, awaiting: still };
}
