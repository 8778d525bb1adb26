/**
 * The real planner's pressure, as observed: pressure = max(minimum_pressure, the jobs not completed
 * that are assigned to the flavor and were created in the last 5 days). A job is assigned once, when it
 * is queued, to a flavor whose labels contain the job's labels after `self-hosted` and `linux` are
 * dropped, ignoring case. `in_progress` does not lower the pressure (desired counts busy runners);
 * `completed` does.
 *
 * Where the observation is silent this model chooses, and says so: of several flavors that fit, the
 * first defined gets the job; a job no flavor fits when it is queued stays unassigned; a deleted
 * flavor's jobs count again if a flavor of that name is defined again.
 */

export type JobStatus = 'queued' | 'in_progress' | 'completed';

export interface QueuedJob {
  /** GitHub's workflow job id. */
  id: number;
  /** The job's `runs-on` labels. */
  labels: string[];
  /** When GitHub created the job (ms since the epoch); now by default. */
  createdAt?: number;
}

const JOB_WINDOW_MS = 5 * 24 * 60 * 60 * 1000;
/** GitHub's default labels of a self-hosted Linux runner: they say nothing about the flavor. */
const IGNORED_LABELS = new Set(['self-hosted', 'linux']);

interface Flavor {
  labels: Set<string>;
  minimumPressure: number;
}

/** A job not completed: a completed one is forgotten, since it never counts again. */
interface Job {
  flavor?: string;
  createdAt: number;
}

export class PressureModel {
  /** In definition order: the order in which a job looks for its flavor. */
  private readonly flavors = new Map<string, Flavor>();
  private readonly jobs = new Map<number, Job>();

  constructor(private readonly now: () => number) {}

  has(flavor: string): boolean {
    return this.flavors.has(flavor);
  }

  names(): string[] {
    return [...this.flavors.keys()];
  }

  pressure(flavor: string): number | undefined {
    const defined = this.flavors.get(flavor);
    if (!defined) return undefined;
    const since = this.now() - JOB_WINDOW_MS;
    let open = 0;
    for (const job of this.jobs.values()) {
      if (job.flavor === flavor && job.createdAt >= since) open += 1;
    }
    return Math.max(defined.minimumPressure, open);
  }

  /** Every flavor's pressure, as flavor `_` answers it. */
  all(): Record<string, number> {
    return Object.fromEntries(this.names().map((name) => [name, this.pressure(name) as number]));
  }

  define(flavor: string, definition: { labels?: string[]; minimumPressure?: number }): void {
    const current = this.flavors.get(flavor);
    this.flavors.set(flavor, {
      labels: definition.labels ? lowerCased(definition.labels) : (current?.labels ?? new Set()),
      minimumPressure: definition.minimumPressure ?? current?.minimumPressure ?? 0,
    });
  }

  remove(flavor: string): void {
    this.flavors.delete(flavor);
  }

  queueJob(job: QueuedJob): string | undefined {
    const wanted = [...lowerCased(job.labels)].filter((label) => !IGNORED_LABELS.has(label));
    const flavor = [...this.flavors].find(([, { labels }]) => wanted.every((label) => labels.has(label)))?.[0];
    this.jobs.set(job.id, { flavor, createdAt: job.createdAt ?? this.now() });
    return flavor;
  }

  /** Answers the flavor whose pressure this may change, so that its streams hear of it; unknown jobs are ignored. */
  setJobStatus(id: number, status: JobStatus): string | undefined {
    const job = this.jobs.get(id);
    // `queued` and `in_progress` both count: only completion changes the pressure.
    if (!job || status !== 'completed') return undefined;
    this.jobs.delete(id);
    return job.flavor;
  }
}

function lowerCased(labels: string[]): Set<string> {
  return new Set(labels.map((label) => label.toLowerCase()));
}
