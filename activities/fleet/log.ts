import { asyncLocalStorage, log } from '@temporalio/activity';

/** Where the fleet reports what it leaves for the next tick. */
export interface FleetLog {
  warn(message: string, meta: Record<string, unknown>): void;
}

/**
 * The activity's logger inside an activity; the console outside one (a script or a test calling the fleet
 * directly), where the activity logger throws for want of a context.
 */
export const defaultFleetLog: FleetLog = {
  warn(message, meta) {
    if (asyncLocalStorage.getStore()) log.warn(message, meta);
    else console.warn(message, meta);
  },
};
