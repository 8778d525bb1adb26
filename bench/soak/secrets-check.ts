import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { flavorWorkflowId } from '../../contracts/flavor-workflow';
import { historyText } from '../history-text';
import { secretsIn, type LabelledSecret } from './invariants';
import { SOAK_SETTINGS } from './settings';

/**
 * No secret in any history or log line: every run of every soak flavor's workflow, as searchable text
 * (payloads decoded), and every line the workers wrote. Each history must hold the flavors' network
 * name, which is only ever inside payloads, and the logs their flavor names: a search that misses
 * them would be blind, and its silence would prove nothing.
 */
export interface SecretSearch {
  histories: number;
  logLines: number;
  secrets: number;
  /** Which secret (by label) turned up where. */
  hits: string[];
  /** What the search failed to find that it must: a blind search. */
  blind: string[];
}

/** Every run of every soak flavor's workflow, with its history. */
export async function soakHistories(client: Client, flavors: string[]): Promise<FlavorRunHistory[]> {
  const runs: FlavorRunHistory[] = [];
  for (const flavor of flavors) {
    const workflowId = flavorWorkflowId(flavor);
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      runs.push({
        flavor,
        workflowId,
        runId: run.runId,
        history: await client.workflow.getHandle(workflowId, run.runId).fetchHistory(),
      });
    }
  }
  return runs;
}

export interface FlavorRunHistory {
  flavor: string;
  workflowId: string;
  runId: string;
  history: temporal.api.history.v1.IHistory;
}

export function searchSecrets(
  histories: FlavorRunHistory[],
  flavors: string[],
  logLines: string[],
  secrets: LabelledSecret[],
): SecretSearch {
  const result: SecretSearch = {
    histories: histories.length,
    logLines: logLines.length,
    secrets: secrets.length,
    hits: [],
    blind: [],
  };
  for (const { workflowId, runId, history } of histories) {
    const text = historyText(history);
    for (const label of secretsIn(text, secrets)) result.hits.push(`${label} in the history of ${workflowId}/${runId}`);
    if (!text.includes(SOAK_SETTINGS.network)) result.blind.push(`${workflowId}/${runId} lacks its settings`);
  }
  logLines.forEach((line, i) => {
    for (const label of secretsIn(line, secrets)) result.hits.push(`${label} in worker log line ${i + 1}`);
  });
  const logText = logLines.join('\n');
  for (const flavor of flavors) if (!logText.includes(flavor)) result.blind.push(`no log line names ${flavor}`);
  if (result.histories < flavors.length)
    result.blind.push(`${result.histories} histories for ${flavors.length} flavors`);
  return result;
}
