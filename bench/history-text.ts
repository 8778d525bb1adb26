import type { temporal } from '@temporalio/proto';

/**
 * A workflow history as searchable text: every payload decoded from its bytes, every other field as
 * JSON. A secret that reached the history in any form shows up in this text.
 */
export function historyText(history: temporal.api.history.v1.IHistory): string {
  return JSON.stringify(history, (_key, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value,
  );
}
