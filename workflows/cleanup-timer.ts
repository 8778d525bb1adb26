import { condition, sleep } from '@temporalio/workflow';
import type { FlavorRun } from './flavor-run';

/** The durable cleanup timer: the next interval starts when the previous tick has run. */
export async function followCleanupTimer({ settings, state }: FlavorRun): Promise<void> {
  for (;;) {
    await condition(() => !state.isCleanupDue());
    await sleep(settings.cleanupIntervalSeconds * 1000);
    state.recordCleanupDue();
  }
}
