import type { FlavorState } from '../contracts/state';

export const statusHeaders = [
  'flavor',
  'mode',
  'pressure',
  'desired',
  'current',
  'paused',
  'stream',
  'queue',
  'last cleanup',
  'schedule',
];

const none = '-';

/** One flavor's state as the cells of the status table; '-' where a value does not apply (yet). */
export function statusRow(state: FlavorState): string[] {
  return [
    state.flavor,
    state.stopping ? `${state.mode}, stopping` : state.mode,
    String(state.lastPressure ?? none),
    String(state.desired ?? none),
    String(state.currentRunners),
    state.creationPaused ? 'yes' : 'no',
    describeStream(state),
    describeQueue(state),
    describeCleanup(state),
    describeSchedule(state),
  ];
}

function describeStream({ stream, outage }: FlavorState): string {
  if (!stream) return none;
  if (stream.connected) return 'connected';
  const down = stream.retryInSeconds === undefined ? 'down' : `down, retry in ${stream.retryInSeconds}s`;
  // Within an outage's grace desired holds the last pressure; after it, the fallback count.
  if (!outage) return down;
  return `${down}, fallback to ${outage.desiredAfterGrace ?? none} in ${outage.graceLeftSeconds}s`;
}

/** An ISO time as the table shows it: `2025-03-01 10:20:30Z`. */
const shownTime = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

function describeCleanup({ lastCleanup }: FlavorState): string {
  if (!lastCleanup) return none;
  const at = shownTime(lastCleanup.at);
  return lastCleanup.error ? `${at} error: ${lastCleanup.error}` : at;
}

/** The windows in force and the limits they make (a cap only when there is one), then the next change. */
function describeSchedule({ schedule }: FlavorState): string {
  if (!schedule) return none;
  const { inForce, minRunners, maxRunners, nextChangeAt } = schedule;
  const limits = maxRunners > 0 ? `min ${minRunners}, max ${maxRunners}` : `min ${minRunners}`;
  const now = inForce.length > 0 ? `${inForce.map((window) => window.name).join(', ')}: ${limits}` : 'no window';
  return `${now}; ${nextChangeAt ? `next change ${shownTime(nextChangeAt)}` : 'no change ahead'}`;
}

function describeQueue({ queue }: FlavorState): string {
  if (!queue) return none;
  return `${queue.size} waiting, ${queue.inFlight} in flight, ${queue.consumers} consumers`;
}
