import { temporal } from '@temporalio/proto';
import { readFileSync, writeFileSync } from 'node:fs';

type History = temporal.api.history.v1.IHistory;
const { History } = temporal.api.history.v1;

/**
 * A committed history: the protobuf History as plain JSON (enums by name, 64-bit numbers and bytes as
 * strings), written and read with the SDK's own generated proto code. (The SDK's historyToJSON cannot be
 * used here: npm installs two copies of protobufjs for @temporalio/common and @temporalio/proto, and its
 * proto-JSON codec refuses the other copy's types.)
 */
export interface HistoryFile {
  /** What the run did, in a sentence. */
  holds: string;
  workflowId: string;
  history: History;
}

export function writeHistoryFile(file: string, { holds, workflowId, history }: HistoryFile): void {
  const plain = History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String });
  writeFileSync(file, `${JSON.stringify({ holds, workflowId, history: plain })}\n`);
}

export function readHistoryFile(file: string): HistoryFile {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { holds: string; workflowId: string; history: object };
  return { ...parsed, history: History.fromObject(parsed.history) };
}
