/**
 * Runner names are `<prefix>-<seq>`, chosen by the workflow so that a retried or replayed create reuses
 * them. Ownership tests match the whole name: prefix `foo-0` owns `foo-0-7` but not `foo-0-1-7`.
 */

export function runnerName(prefix: string, seq: number): string {
  return `${prefix}-${seq}`;
}

/** The sequence number of a name this prefix owns, or undefined when the prefix does not own it. */
export function runnerSeq(prefix: string, name: string): number | undefined {
  if (!name.startsWith(`${prefix}-`)) return undefined;
  const rest = name.slice(prefix.length + 1);
  return /^(0|[1-9][0-9]{0,15})$/.test(rest) ? Number(rest) : undefined;
}

export function ownsRunnerName(prefix: string, name: string): boolean {
  return runnerSeq(prefix, name) !== undefined;
}
