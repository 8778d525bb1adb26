import { CancelledFailure, WorkflowFailedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { applySettingsUpdate, flushUpdate } from '../../contracts/definitions';
import { flavorWorkflowId, type FlavorWorkflow } from '../../contracts/flavor-workflow';
import type { FlavorSettingsInput } from '../../contracts/settings';
import { startFlavor } from '../../contracts/start-flavor';
import { flavorSettings } from './settings';

/**
 * What an operator does to the soak's flavors, through Temporal alone as the CLI does: start, `apply`
 * changed settings, `flush` (never --busy: that kills jobs by request), and `stop` then a new start.
 * Every call is retried while the server or every worker is away, up to a deadline.
 */
export interface Operator {
  /** The settings each flavor runs with now (its desired is reckoned from them). */
  readonly settings: Map<string, FlavorSettingsInput>;
  /** Flavors being stopped: the other operator events leave them alone meanwhile. */
  readonly stopping: Set<string>;
  start(flavor: string): Promise<void>;
  apply(flavor: string, maxRunners: number): Promise<void>;
  flush(flavor: string): Promise<void>;
  /** Cancels the workflow and waits for its end; answers how it ended ('cancelled' when as it should). */
  stop(flavor: string): Promise<string>;
}

const CALL_DEADLINE_MS = 180_000;
const RETRY_MS = 1_000;

export function createOperator(client: Client, taskQueue: string): Operator {
  const settings = new Map<string, FlavorSettingsInput>();
  const stopping = new Set<string>();
  const handle = (flavor: string) => client.workflow.getHandle<FlavorWorkflow>(flavorWorkflowId(flavor));
  return {
    settings,
    stopping,
    async start(flavor) {
      const input = settings.get(flavor) ?? flavorSettings(flavor);
      settings.set(flavor, input);
      await retried(`start ${flavor}`, () => startFlavor(client, { taskQueue, settings: input }));
    },
    async apply(flavor, maxRunners) {
      const input = { ...(settings.get(flavor) ?? flavorSettings(flavor)), maxRunners };
      await retried(`apply to ${flavor}`, () => handle(flavor).executeUpdate(applySettingsUpdate, { args: [input] }));
      settings.set(flavor, input);
    },
    async flush(flavor) {
      await retried(`flush ${flavor}`, () => handle(flavor).executeUpdate(flushUpdate, { args: [{}] }));
    },
    async stop(flavor) {
      stopping.add(flavor);
      try {
        await retried(`stop ${flavor}`, () => handle(flavor).cancel());
        return await retried(`the end of ${flavor}`, () =>
          handle(flavor)
            .result()
            .then(
              () => 'completed',
              (err: unknown) => {
                if (!(err instanceof WorkflowFailedError)) throw err;
                return err.cause instanceof CancelledFailure ? 'cancelled' : (err.cause?.message ?? err.message);
              },
            ),
        );
      } finally {
        stopping.delete(flavor);
      }
    },
  };
}

/**
 * Runs the call until it answers, retrying while Temporal is unreachable; an update the workflow refused
 * is not retried, and past the deadline the last error stands.
 */
async function retried<T>(what: string, call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + CALL_DEADLINE_MS;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new Error(`${what} was refused: ${err.cause?.message}`);
      if (Date.now() > deadline) throw new Error(`${what} failed for ${CALL_DEADLINE_MS / 1000} s: ${String(err)}`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}
