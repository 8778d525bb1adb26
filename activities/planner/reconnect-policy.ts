/**
 * Reconnects never come closer than this, whatever the planner sends: a planner that answers every
 * connect with a value and then a line without the flavor would otherwise be hammered in a loop.
 */
export const MIN_RECONNECT_SPACING_MS = 1000;

/**
 * Which ends of an open pressure stream the stream activity mends itself, reconnecting at once and
 * keeping its last value, rather than failing into the workflow's outage path:
 * - 'stalled': silence is no outage. The planner's keep-alives are shared (one line per 30 s tick,
 *   round robin over every open stream), so an idle stream may rightly hear nothing for minutes. The
 *   planner writes the current value on connect: a reconnect costs one line, and proves it is up.
 * - 'flavor-missing': the planner deleted the flavor but keeps the stream open on `{}` lines; the
 *   reconnect's 404 tells the workflow so, as a flavor-not-found failure.
 * - 'lost', once per stall period: the planner cuts its streams when it shuts down, refusing new
 *   connects meanwhile, so the reconnect's refusal starts the outage; a proxy or a peer that cuts one
 *   idle stream costs nothing. A stream lost again within the stall period is a failure: a flapping
 *   planner gets the workflow's backoff, not a reconnect per drop.
 * Every other error is a failed connect (refused, timed out, an HTTP error) and fails the activity.
 */
export function createReconnectPolicy(stallTimeoutMs: number, now: () => number = Date.now) {
  let lastLost = -Infinity;
  let lastReconnect = -Infinity;
  return {
    /** True when the stream that ended with `err` is reconnected; then wait `delayMs()` first. */
    reconnects(err: unknown): boolean {
      switch ((err as { kind?: unknown } | undefined)?.kind) {
        case 'stalled':
        case 'flavor-missing':
          return true;
        case 'lost':
          if (now() - lastLost < stallTimeoutMs) return false;
          lastLost = now();
          return true;
        default:
          return false;
      }
    },
    /** The wait before the reconnect: none, unless the last one was under MIN_RECONNECT_SPACING_MS ago. */
    delayMs(): number {
      const at = Math.max(now(), lastReconnect + MIN_RECONNECT_SPACING_MS);
      lastReconnect = at;
      return at - now();
    },
  };
}
