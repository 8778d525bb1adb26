/** What a pool knows of one credential when a request is to go out (activities/github/pool.ts). */
export interface CredentialState {
  /** x-ratelimit-remaining of its last answer; undefined before its first. */
  remaining?: number;
  /** x-ratelimit-limit of its last answer: its budget once its window resets. */
  limit?: number;
  /** When its primary window resets (ms since the epoch), from x-ratelimit-reset. */
  resetAtMs?: number;
  /** Until when a rate-limit refusal (primary or secondary) stops it (ms since the epoch). */
  refusedUntilMs?: number;
  /** Its requests sent and not yet answered: they spend its budget before the headers say so. */
  inFlight: number;
  /** Starts left in the request's endpoint budget on this credential now; 0 or less: it would queue. */
  endpointRoom: number;
}

export interface CredentialChoice {
  index: number;
  /** How long the chosen one is still refused: 0 unless every credential is. */
  waitMs: number;
}

/** GitHub's primary limit of a PAT or an App installation, an hour: a budget assumed before any header says one. */
const defaultHourlyLimit = 5000;

/**
 * The credential a request goes to. One that GitHub refused is skipped until its refusal ends, and one
 * whose primary budget is spent (its in-flight requests counted) until its window resets; of the rest,
 * one with room in the endpoint's secondary budget comes first (else the shortest queue there), then the
 * most primary budget left, then the fewest in flight, then the first listed. A budget not known yet (no
 * answer so far, or a window reset since) counts as full, so that every credential gets tried: as the
 * largest limit any credential of the pool reported, or GitHub's 5000. Its requests in flight count
 * against it as against a known one, so a burst before its first answer is shared, not all sent to it.
 * When all are stopped, the one free soonest: the wait is only a refusal's, since headers alone refuse
 * nothing and GitHub's answer decides.
 */
export function chooseCredential(states: readonly CredentialState[], nowMs: number): CredentialChoice {
  if (states.length === 0) throw new Error('chooseCredential: no credentials');
  const refusedFor = (state: CredentialState) => Math.max((state.refusedUntilMs ?? 0) - nowMs, 0);
  const largestLimit = Math.max(0, ...states.map((state) => state.limit ?? 0));
  const full = (state: CredentialState) => state.limit ?? (largestLimit || defaultHourlyLimit);
  // Before its first answer, or once its window has reset, a credential's budget is unknown: full, likely.
  const budget = (state: CredentialState) =>
    (state.remaining === undefined || (state.resetAtMs !== undefined && state.resetAtMs <= nowMs)
      ? full(state)
      : state.remaining) - state.inFlight;
  const spentFor = (state: CredentialState) =>
    budget(state) > 0 ? 0 : Math.max((state.resetAtMs ?? Number.POSITIVE_INFINITY) - nowMs, 0);
  const indexed = states.map((state, index) => ({ state, index }));
  const usable = indexed.filter(({ state }) => refusedFor(state) === 0 && spentFor(state) === 0);
  if (usable.length === 0) {
    const stoppedFor = (state: CredentialState) => Math.max(refusedFor(state), spentFor(state));
    const soonest = indexed.reduce((best, next) => (stoppedFor(next.state) < stoppedFor(best.state) ? next : best));
    return { index: soonest.index, waitMs: refusedFor(soonest.state) };
  }
  const better = (a: CredentialState, b: CredentialState) => {
    const queued = (state: CredentialState) => Math.min(state.endpointRoom, 1);
    if (queued(a) !== queued(b)) return queued(a) > queued(b);
    if (budget(a) !== budget(b)) return budget(a) > budget(b);
    return a.inFlight < b.inFlight;
  };
  const best = usable.reduce((chosen, next) => (better(next.state, chosen.state) ? next : chosen));
  return { index: best.index, waitMs: 0 };
}
