import { flushUpdate } from '../../contracts/definitions';
import type { FlushReport } from '../../contracts/state';
import { onRunningFlavor } from '../cli-error';
import { runningFlavor } from '../flavor-handle';
import type { CommandContext, ExitCode } from './context';

/** The `flush` update: idle runners go now; with `busy`, every runner (their jobs are killed). */
export async function flush(context: CommandContext, flavor: string, busy: boolean): Promise<ExitCode> {
  const handle = await runningFlavor(context.client, flavor);
  const report = await onRunningFlavor(flavor, () => handle.executeUpdate(flushUpdate, { args: [{ busy }] }));
  for (const line of describeFlush(report)) context.print(`${flavor}: ${line}`);
  return report.error ? 1 : 0;
}

function describeFlush(report: FlushReport): string[] {
  const lines = [`removed ${describeRunners(report.deleted)}`];
  if (report.keptBusy.length > 0) lines.push(`kept ${describeRunners(report.keptBusy, 'busy ')}`);
  if (report.error) lines.push(`error: ${report.error}`);
  return lines;
}

/** "no runners", "1 runner: a", "2 busy runners: a, b". */
export function describeRunners(names: string[], kind = ''): string {
  if (names.length === 0) return `no ${kind}runners`;
  return `${names.length} ${kind}runner${names.length === 1 ? '' : 's'}: ${names.join(', ')}`;
}
