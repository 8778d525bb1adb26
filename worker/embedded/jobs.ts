import { ownsRunnerName } from '../../contracts/runner-names';
import type { SimulatedCloud } from '../../simulators/cloud';

const JOB_SECONDS = { min: 6, max: 15 };
const NEW_JOB_EVERY_SECONDS = 2;

/**
 * CI jobs on the simulated GitHub: every 2 s a flavor whose busy runners are fewer than half its
 * pressure (rounded up) gives one job to an idle online runner; the job ends 6-15 s later, so the
 * single-use runner deregisters and its VM powers off, and the next cleanup tick replaces it.
 * Half, not all: some runners stay idle, so soft delete has something to delete when pressure drops.
 */
export function simulateJobs({
  cloud,
  flavors,
  pressureOf,
  speed,
}: {
  cloud: SimulatedCloud;
  flavors: string[];
  pressureOf: (flavor: string) => number;
  speed: number;
}): { stop(): void } {
  const finishing = new Set<NodeJS.Timeout>();
  const tick = () => {
    const runners = cloud.github.runners();
    for (const flavor of flavors) {
      const own = runners.filter((runner) => ownsRunnerName(flavor, runner.name));
      const busy = own.filter((runner) => runner.busy).length;
      const idle = own.find((runner) => runner.status === 'online' && !runner.busy);
      if (!idle || busy >= Math.ceil(pressureOf(flavor) / 2)) continue;
      cloud.assignJob(idle.name);
      const seconds = JOB_SECONDS.min + Math.random() * (JOB_SECONDS.max - JOB_SECONDS.min);
      const timer = setTimeout(
        () => {
          finishing.delete(timer);
          // The runner may be gone already (its VM deleted by hand, say): then there is nothing to finish.
          ignoreErrors(() => cloud.finishJob(idle.name));
        },
        (seconds * 1000) / speed,
      );
      finishing.add(timer);
    }
  };
  const interval = setInterval(() => ignoreErrors(tick), (NEW_JOB_EVERY_SECONDS * 1000) / speed);
  return {
    stop() {
      clearInterval(interval);
      finishing.forEach(clearTimeout);
    },
  };
}

function ignoreErrors(fn: () => void): void {
  try {
    fn();
  } catch {
    // The simulators' state moved on between the list and the call; the next tick looks again.
  }
}
