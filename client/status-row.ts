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

function describeCleanup({ lastCleanup }: FlavorState): string {
  if (!lastCleanup) return none;
  const at = lastCleanup.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return lastCleanup.error ? `${at} error: ${lastCleanup.error}` : at;
}

function describeQueue({ queue }: FlavorState): string {
  if (!queue) return none;
  return `${queue.size} waiting, ${queue.inFlight} in flight, ${queue.consumers} consumers`;
}
