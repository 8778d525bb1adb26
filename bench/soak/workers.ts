import type { SimulatedCloud } from '../../simulators/cloud';
import { startWorkerProcess, stopWorkerProcess, type WorkerProcess } from '../configured-worker';

/**
 * The soak's worker processes: the real worker (worker/main.ts), several on one task queue. A killed
 * one is started again after its time down, retried while the Temporal server is away.
 */
export interface WorkerPool {
  /** Kills these workers with the signal, waits for them to exit and `downMs`, and starts them again. */
  cycle(indexes: number[], signal: NodeJS.Signals, downMs: number): Promise<void>;
  /** Worker starts that failed (the server down, say) and were retried. */
  readonly failedStarts: number;
  stop(): Promise<void>;
}

const RETRY_MS = 2_000;

export async function startWorkerPool(
  cloud: SimulatedCloud,
  temporal: { address: string; taskQueue: string },
  { count, managerId, onLine }: { count: number; managerId: string; onLine: (line: string) => void },
): Promise<WorkerPool> {
  const workers: (WorkerProcess | undefined)[] = [];
  let failedStarts = 0;
  let stopping = false;
  const start = async (index: number): Promise<void> => {
    while (!stopping) {
      try {
        workers[index] = await startWorkerProcess(cloud, temporal, { managerId, onLine });
        return;
      } catch {
        failedStarts += 1;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  };
  await Promise.all(Array.from({ length: count }, (_, index) => start(index)));
  return {
    async cycle(indexes, signal, downMs) {
      await Promise.all(
        indexes.map(async (index) => {
          const worker = workers[index];
          workers[index] = undefined;
          worker?.kill(signal);
          await worker?.exited;
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await Promise.all(indexes.map(start));
    },
    get failedStarts() {
      return failedStarts;
    },
    async stop() {
      stopping = true;
      await Promise.all(workers.map(stopWorkerProcess));
    },
  };
}
