import { ApplicationFailure } from '@temporalio/workflow';
import type { FlavorReconcilerInput } from '../contracts/flavor-workflow';
import { checkNewSettings, InvalidSettingsError, resolveSettings, type FlavorSettings } from '../contracts/settings';

/** The run's settings; bad ones fail the workflow at once, naming the field, before anything is created. */
export function settingsOrFail(input: FlavorReconcilerInput): FlavorSettings {
  try {
    return resolveSettings(input?.settings ?? {});
  } catch (err) {
    if (err instanceof InvalidSettingsError) {
      throw ApplicationFailure.nonRetryable(`invalid flavor settings: ${err.message}`, 'InvalidSettings');
    }
    throw err;
  }
}

/** The `applySettings` validator: it refuses new settings for a stopping flavor, and bad ones, with the reason. */
export function validateNewSettings(current: FlavorSettings, next: unknown, stopping: boolean): void {
  if (stopping) throw new Error(`flavor ${current.flavor} is stopping`);
  try {
    checkNewSettings(current, next);
  } catch (err) {
    if (err instanceof InvalidSettingsError) throw new Error(`invalid flavor settings: ${err.message}`);
    throw err;
  }
}
