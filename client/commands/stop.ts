import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { stateQuery } from '../../contracts/definitions';
import type { FlushReport } from '../../contracts/state';
import { describeError, onRunningFlavor } from '../cli-error';
import { runningFlavor, type FlavorHandle } from '../flavor-handle';
import type { CommandContext, ExitCode } from './context';
import { describeRunners } from './flush';

/** How often a stop that waits for busy runners looks at the state for news to print. */
const PROGRESS_INTERVAL_MS = 2000;

/**
 * Cancels the flavor's workflow and waits for it to end. The workflow stops its stream, removes its idle
 * runners at once and busy ones as their jobs end (one flush per cleanup interval), then ends as
 * cancelled. Its flushes are printed as they happen, from the `state` query, so a stop that waits for a
 * long job says what it waits for. The state keeps only the last flush, so a poll can miss the names of
 * one in between; the total removed comes from the state's counter, which misses nothing.
 */
export async function stop(context: CommandContext, flavor: string): Promise<ExitCode> {
  const handle = await runningFlavor(context.client, flavor);
  const before = await onRunningFlavor(flavor, () => handle.query(stateQuery));
  const show = flushPrinter((line) => context.print(`${flavor}: ${line}`), before.lastFlush?.at);

  await onRunningFlavor(flavor, () => handle.cancel());
  const outcome = await waitWithProgress(handle, async () => show((await handle.query(stateQuery)).lastFlush));
  // A closed workflow still answers queries while a worker runs: its last flush is the final one.
  const final = await handle.query(stateQuery).catch((err: unknown) => {
    console.error(`${flavor}: its final state is unavailable: ${describeError(err)}`);
    return undefined;
  });
  show(final?.lastFlush);
  if (outcome !== 'cancelled') {
    context.print(`${flavor}: ended otherwise: ${outcome}`);
    return 1;
  }
  // During the stop only its flushes delete runners.
  const removed = final && final.totals.deleted - before.totals.deleted;
  context.print(`${flavor}: stopped${removed === undefined ? '' : `, ${describeCount(removed)} removed`}`);
  return 0;
}

const describeCount = (count: number) => `${count} runner${count === 1 ? '' : 's'}`;

/**
 * Prints each new flush once: the runners it removed, and what the stop waits for (or why a flush
 * failed) only when that changed, since the drain repeats its flush every cleanup interval.
 */
function flushPrinter(print: (line: string) => void, seenAt: string | undefined) {
  let waiting = '';
  return (flush: FlushReport | undefined) => {
    if (!flush || flush.at === seenAt) return;
    seenAt = flush.at;
    if (flush.deleted.length > 0) print(`removed ${describeRunners(flush.deleted)}`);
    const now = flush.error
      ? `flush failed, trying again: ${flush.error}`
      : flush.keptBusy.length > 0
        ? `waiting for ${describeRunners(flush.keptBusy, 'busy ')}`
        : '';
    if (now && now !== waiting) print(now);
    waiting = now;
  };
}

/** Waits for the workflow's end, calling `progress` meanwhile; answers 'cancelled' or how it ended instead. */
async function waitWithProgress(handle: FlavorHandle, progress: () => Promise<void>): Promise<string> {
  const ended = handle.result().then(
    () => 'completed',
    (err: unknown) => {
      if (!(err instanceof WorkflowFailedError)) throw err;
      return err.cause instanceof CancelledFailure ? 'cancelled' : (err.cause?.message ?? err.message);
    },
  );
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const tick = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), PROGRESS_INTERVAL_MS);
    });
    const outcome = await Promise.race([ended, tick]);
    clearTimeout(timer);
    if (outcome !== undefined) return outcome;
    // Progress is best effort: a failed look is retried at the next tick, the end is what counts.
    await progress().catch(() => undefined);
  }
}
