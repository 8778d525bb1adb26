import type { TimedCall } from './call-log';
import { countByKey, isListCall, within } from './economy-analysis';
import type { FlavorHistory } from './history';
import { round } from './stats';

/** When the flavors reached a start-up milestone, in seconds from the first workflow start: median and last. */
export interface Milestone {
  p50: number;
  last: number;
  /** Flavors that reached it (all of them, unless some never did). */
  count: number;
}

/**
 * Where the start-up time goes, from the server's history times and the simulators' clocks: the
 * client's workflow starts, each flavor's first workflow task, its stream's first line (the planner's
 * head line on connect), and its first cleanup tick (scheduled → done); the workflow tasks and list
 * calls made on the way; and who used the CPU meanwhile.
 */
export interface StartupBreakdown {
  /** The client's starts, all returned. */
  clientStartsSeconds: number;
  firstTaskStarted: Milestone;
  streamUp: Milestone;
  firstTickScheduled: Milestone;
  firstTickDone: Milestone;
  /** How long a first tick itself took (its list calls and any waiting for an activity slot or poll), in s. */
  firstTickDurationSeconds: { p50: number; max: number };
  /** When the benchmark's polling query saw every flavor settled (it adds a query per flavor per round). */
  settledSeenSeconds: number;
  /** Workflow tasks completed up to then, over all flavors, and per flavor. */
  workflowTasks: number;
  workflowTasksPerFlavor: number;
  /** List calls up to then, by route. */
  listCalls: Record<string, number>;
  /** Cores used by each process over the start-up (dev server, worker, benchmark process). */
  cpuCores: Record<string, number | null>;
}

export function startupBreakdown(input: {
  startedAt: number;
  clientStartsDoneAt: number;
  settledAt: number;
  streamUpAt: Map<string, number>;
  histories: FlavorHistory[];
  calls: TimedCall[];
  cpuCores: Record<string, number | null>;
}): StartupBreakdown {
  const { startedAt, settledAt, histories } = input;
  const seconds = (at: number) => round((at - startedAt) / 1000, 2);
  const firstOf = (type: string) => histories.flatMap((h) => h.events.find((e) => e.type === type)?.at ?? []);
  const firstTicks = histories.flatMap((h) => h.cleanupWindows.slice(0, 1));
  const durations = firstTicks.filter(([, done]) => Number.isFinite(done)).map(([from, to]) => (to - from) / 1000);
  const tasks = histories.reduce(
    (sum, h) => sum + h.events.filter((e) => e.type === 'WorkflowTaskCompleted' && e.at <= settledAt).length,
    0,
  );
  return {
    clientStartsSeconds: seconds(input.clientStartsDoneAt),
    firstTaskStarted: milestone(firstOf('WorkflowTaskStarted').map(seconds)),
    streamUp: milestone([...input.streamUpAt.values()].map(seconds)),
    firstTickScheduled: milestone(firstTicks.map(([from]) => seconds(from))),
    firstTickDone: milestone(firstTicks.flatMap(([, done]) => (Number.isFinite(done) ? [seconds(done)] : []))),
    firstTickDurationSeconds: { p50: round(median(durations), 2), max: round(Math.max(0, ...durations), 2) },
    settledSeenSeconds: seconds(settledAt),
    workflowTasks: tasks,
    workflowTasksPerFlavor: round(tasks / Math.max(histories.length, 1), 1),
    listCalls: countByKey(within(input.calls, startedAt, settledAt).filter(isListCall)),
    cpuCores: input.cpuCores,
  };
}

function milestone(values: number[]): Milestone {
  return { p50: round(median(values), 2), last: round(Math.max(0, ...values), 2), count: values.length };
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length / 2) - 1];
}

/** One line for the log and the table: each milestone's median and last flavor, in seconds. */
export function describeStartup(s: StartupBreakdown): string {
  const m = (x: Milestone) => `${x.p50}/${x.last}`;
  const lists = Object.entries(s.listCalls)
    .map(([key, n]) => `${key.replace(/^(compute|github) GET /, '')} ${n}`)
    .join(', ');
  const cpu = Object.entries(s.cpuCores)
    .map(([name, cores]) => `${name} ${cores ?? '?'}`)
    .join(', ');
  return (
    `client starts done ${s.clientStartsSeconds} s; median/last flavor at s: first task ${m(s.firstTaskStarted)}, ` +
    `stream up ${m(s.streamUp)}, first tick scheduled ${m(s.firstTickScheduled)}, done ${m(s.firstTickDone)} ` +
    `(a tick takes ${s.firstTickDurationSeconds.p50} s median, ${s.firstTickDurationSeconds.max} s max); ` +
    `${s.workflowTasksPerFlavor} workflow tasks per flavor; list calls ${lists || 'none'}; CPU cores ${cpu}`
  );
}
