import type { temporal } from '@temporalio/proto';

/**
 * A workflow history as searchable text: every payload decoded from its bytes, every other field as
 * JSON. A secret that reached the history in any form shows up in this text. The history is walked by
 * hand: JSON.stringify would let each protobuf message's toJSON turn its bytes into base64 first, and a
 * search of base64 finds nothing.
 */
export function historyText(history: temporal.api.history.v1.IHistory): string {
  return JSON.stringify(decoded(history));
}

function decoded(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(decoded);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, decoded(field)]));
  }
  return value;
}
