import { patched } from '@temporalio/workflow';
import type { RunnerInfo } from '../contracts/activities';
import type { FlavorRun } from './flavor-run';

/**
 * Runs made before the idle-confirmation rule removed every idle runner at once: their histories replay
 * without it (see the README's "Changing workflow code").
 */
const IDLE_CONFIRMATION = 'idle-confirmation';

/** The runners of a fresh list that a scale-down, a reconcile, a flush without --busy or a drain may remove. */
export function removableIdle({ state }: FlavorRun, runners: RunnerInfo[]): RunnerInfo[] {
  if (!patched(IDLE_CONFIRMATION)) return runners.filter((runner) => runner.state === 'idle');
  return state.confirmedIdle(runners);
}

/** Idle runners of the list kept for want of confirmation, for the state; undefined when none. */
export function unconfirmedIdle(runners: RunnerInfo[], removable: RunnerInfo[]): string[] | undefined {
  const names = runners.filter((r) => r.state === 'idle' && !removable.includes(r)).map((r) => r.name);
  return names.length > 0 ? names : undefined;
}
