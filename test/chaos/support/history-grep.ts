import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { temporalCliPath } from '../../../worker/temporal-cli';
import { VM_SETTINGS } from './flavor';
import type { LabelledSecret } from './secrets';

/**
 * Workflow histories as the operator's CLI shows them (`temporal workflow show --output json`), made
 * searchable: the CLI prints payloads as base64, so every base64 string is decoded and searched too.
 */
const run = promisify(execFile);

/** In every chaos workflow's input, and only inside payloads: a search that misses it is blind. */
const KNOWN_PAYLOAD_TEXT = VM_SETTINGS.network;

async function cli(address: string, args: string[]): Promise<string> {
  const path = temporalCliPath();
  if (!path) throw new Error('no Temporal CLI: run `bash scripts/temporal-server.sh`');
  const { stdout } = await run(path, [...args, '--address', address, '--output', 'json'], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

/** The CLI's JSON with each base64 string's decoding appended, recursively (a JIT config is base64 in base64). */
export function searchableText(json: string): string {
  const decoded: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.length >= 8 && value.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
        const text = Buffer.from(value, 'base64').toString('utf8');
        decoded.push(text);
        if (text.startsWith('{') || text.startsWith('"')) {
          try {
            visit(JSON.parse(text));
          } catch {
            // Not JSON: the text itself is searched.
          }
        }
      }
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(JSON.parse(json));
  return [json, ...decoded].join('\n');
}

/** Every run of the workflow, as searchable text. */
export async function workflowHistories(
  address: string,
  workflowId: string,
): Promise<{ runId: string; text: string }[]> {
  const listed = JSON.parse(await cli(address, ['workflow', 'list', '--query', `WorkflowId = '${workflowId}'`])) as {
    execution: { runId: string };
  }[];
  return Promise.all(
    listed.map(async ({ execution: { runId } }) => ({
      runId,
      text: searchableText(await cli(address, ['workflow', 'show', '--workflow-id', workflowId, '--run-id', runId])),
    })),
  );
}

export interface SecretSearch {
  histories: number;
  /** Which secret (by label, never by value) turned up in which run. */
  hits: string[];
  /** Known strings (`mustContain`) a history lacked: the search would be blind to payloads. */
  selfCheckMisses: string[];
}

/**
 * Searches every run of every workflow for every secret. `mustContain` names strings that ARE in every
 * history's payloads; a miss means the search is blind, and the check would prove nothing.
 */
export async function searchHistories(
  address: string,
  workflowIds: string[],
  secrets: LabelledSecret[],
  mustContain: string[],
): Promise<SecretSearch> {
  const result: SecretSearch = { histories: 0, hits: [], selfCheckMisses: [] };
  for (const workflowId of workflowIds) {
    for (const { runId, text } of await workflowHistories(address, workflowId)) {
      result.histories += 1;
      for (const secret of secrets) {
        if (text.includes(secret.value)) result.hits.push(`${secret.label} in ${workflowId}/${runId}`);
      }
      for (const known of mustContain) {
        if (!text.includes(known)) result.selfCheckMisses.push(`${JSON.stringify(known)} not found in ${workflowId}`);
      }
    }
  }
  return result;
}

/** The check every chaos file ends with: no secret in any history of its workflows, and the search not blind. */
export async function expectNoSecretsInHistories(
  address: string,
  workflowIds: string[],
  secrets: LabelledSecret[],
): Promise<{ histories: number; secrets: number }> {
  const search = await searchHistories(address, workflowIds, secrets, [KNOWN_PAYLOAD_TEXT]);
  expect(search.selfCheckMisses).toEqual([]);
  expect(search.hits).toEqual([]);
  expect(search.histories).toBeGreaterThanOrEqual(workflowIds.length);
  return { histories: search.histories, secrets: secrets.length };
}
