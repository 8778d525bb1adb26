import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { stateQuery } from '../../contracts/definitions';
import { FLAVOR_WORKFLOW_TYPE } from '../../contracts/flavor-workflow';
import type { FlavorState } from '../../contracts/state';
import { describeError, onRunningFlavor } from '../cli-error';
import { runningFlavor } from '../flavor-handle';
import { statusHeaders, statusRow } from '../status-row';
import textTable from 'text-table';
import type { CommandContext, ExitCode } from './context';

/** Queries at once, at most: enough for a thousand flavors in seconds, without flooding the server. */
const QUERY_CONCURRENCY = 16;

/**
 * The `state` of one flavor, or of every running flavor workflow on this task queue (a visibility query:
 * a workflow started a moment ago may not be listed yet). A table, or the raw states with `json`.
 */
export async function status(context: CommandContext, flavor: string | undefined, json: boolean): Promise<ExitCode> {
  const { client, print } = context;
  if (flavor !== undefined) {
    const handle = await runningFlavor(client, flavor);
    const state = await onRunningFlavor(flavor, () => handle.query(stateQuery));
    print(json ? JSON.stringify(state, null, 2) : textTable([statusHeaders, statusRow(state)]));
    return 0;
  }
  const { states, failures } = await queryAll(client, await runningFlavorIds(context));
  states.sort((a, b) => a.flavor.localeCompare(b.flavor));
  if (json) print(JSON.stringify(states, null, 2));
  else if (states.length > 0) print(textTable([statusHeaders, ...states.map(statusRow)]));
  else if (failures.length === 0) print(`no running flavor workflows on task queue ${context.taskQueue}`);
  // Failures go to stderr so that --json output stays parseable.
  for (const failure of failures) console.error(failure);
  return failures.length > 0 ? 1 : 0;
}

async function runningFlavorIds({ client, taskQueue }: CommandContext): Promise<string[]> {
  const query = `WorkflowType = '${FLAVOR_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}'`;
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
  return ids;
}

async function queryAll(client: Client, workflowIds: string[]) {
  const states: FlavorState[] = [];
  const failures: string[] = [];
  const pending = [...workflowIds];
  const next = async (): Promise<void> => {
    for (let id = pending.shift(); id !== undefined; id = pending.shift()) {
      try {
        states.push(await client.workflow.getHandle(id).query(stateQuery));
      } catch (err) {
        // Gone since it was listed: not shown.
        if (!(err instanceof WorkflowNotFoundError)) failures.push(`${id}: state query failed: ${describeError(err)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: QUERY_CONCURRENCY }, next));
  return { states, failures };
}
