import { ownsRunnerName } from '../../contracts/runner-names';
import type { FlavorSettings } from '../../contracts/settings';

/** GitHub cancels a job still queued after 24 hours: no pickup can come later than that. */
const maxWaitMs = 24 * 60 * 60 * 1000;
/** The most queued jobs remembered at once; beyond, the oldest is forgotten. */
const maxJobs = 50_000;

/**
 * job_wait_seconds: the time from a job's first `queued` delivery to the `in_progress` one whose
 * runner_name is a runner of a reactive flavor, on this intake's clock, observed once per job and
 * labelled by that runner's flavor. Both deliveries of a job must reach the same worker: behind a load
 * balancer that spreads them, a job whose two deliveries part is not measured. A job taken by a runner
 * that is none of ours is forgotten without a figure.
 */
export class JobWaitClock {
  private readonly queuedAt = new Map<number, number>();

  constructor(
    private readonly flavors: readonly Pick<FlavorSettings, 'flavor' | 'mode' | 'runnerNamePrefix'>[],
    private readonly observe: (flavor: string, seconds: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** A queued delivery; a redelivery keeps the first arrival. */
  queued(jobId: number): void {
    if (this.queuedAt.has(jobId)) return;
    this.queuedAt.set(jobId, this.now());
    this.forgetOld();
  }

  /** An in_progress delivery: the job's runner took it. */
  started(jobId: number, runnerName: string | undefined): void {
    const queuedAt = this.queuedAt.get(jobId);
    if (queuedAt === undefined) return;
    this.queuedAt.delete(jobId);
    const flavor = runnerName && this.flavorOfRunner(runnerName);
    if (flavor) this.observe(flavor, Math.max(this.now() - queuedAt, 0) / 1000);
  }

  private flavorOfRunner(name: string): string | undefined {
    return this.flavors.find((f) => f.mode === 'reactive' && ownsRunnerName(f.runnerNamePrefix, name))?.flavor;
  }

  /** Map order is arrival order: the oldest go first, by count or by age. */
  private forgetOld(): void {
    const oldest = this.now() - maxWaitMs;
    for (const [jobId, at] of this.queuedAt) {
      if (this.queuedAt.size <= maxJobs && at >= oldest) break;
      this.queuedAt.delete(jobId);
    }
  }
}
