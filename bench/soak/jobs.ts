import type { SimulatedCloud } from '../../simulators/cloud';

/**
 * The soak's CI jobs: each is queued at GitHub (an idle runner with the flavor's label takes it, now or
 * once one boots) and reported to the planner, whose pressure counts it until it completes, as the real
 * planner does. A job runs for its drawn time from when a runner took it, then ends: its runner
 * deregisters and its VM powers off. A job its runner's removal killed is over too.
 */
export interface JobDriver {
  queue(flavor: string, durationMs: number): void;
  /** Ends what runs and cancels what waits (the quiet tail begins). */
  endAll(): void;
  readonly counts: { queued: number; ran: number; finished: number; killed: number; cancelled: number };
  stop(): void;
}

interface TrackedJob {
  id: number;
  durationMs: number;
  startedAt?: number;
}

const POLL_MS = 250;

export function startJobDriver(cloud: SimulatedCloud): JobDriver {
  const tracked = new Map<number, TrackedJob>();
  const counts = { queued: 0, ran: 0, finished: 0, killed: 0, cancelled: 0 };
  const complete = (job: TrackedJob) => {
    tracked.delete(job.id);
    cloud.planner.setJobStatus(job.id, 'completed');
  };
  const step = (endEverything: boolean) => {
    const now = Date.now();
    const statuses = new Map(cloud.jobs().map((job) => [job.id, job]));
    for (const job of tracked.values()) {
      const status = statuses.get(job.id);
      if (!status) continue;
      if (status.status === 'completed') {
        // Ended by the simulator: its runner was removed under it (see GitHub's killedJobs).
        counts.killed += 1;
        complete(job);
      } else if (status.status === 'in_progress') {
        if (job.startedAt === undefined) {
          job.startedAt = now;
          counts.ran += 1;
        }
        if (endEverything || now - job.startedAt >= job.durationMs) {
          cloud.finishJobById(job.id);
          counts.finished += 1;
          complete(job);
        }
      } else if (endEverything) {
        cloud.finishJobById(job.id, 'cancelled');
        counts.cancelled += 1;
        complete(job);
      }
    }
  };
  const timer = setInterval(() => step(false), POLL_MS);
  return {
    queue(flavor, durationMs) {
      const { id } = cloud.queueJob({ labels: ['self-hosted', flavor] });
      cloud.planner.queueJob({ id, labels: ['self-hosted', flavor] });
      tracked.set(id, { id, durationMs });
      counts.queued += 1;
    },
    endAll: () => step(true),
    counts,
    stop: () => clearInterval(timer),
  };
}
