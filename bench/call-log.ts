/** One API call a simulator counted: its key (`compute GET /servers/detail`, `GET /orgs/{org}/…`) and when. */
export interface TimedCall {
  key: string;
  at: number;
}

/**
 * Timestamps every call a simulator counts, without a hook in the simulator: both the OpenStack and the
 * GitHub simulators count a call by writing `stats.calls[key]`, so the benchmark swaps that record for
 * a proxy that notes the time of each write. Counts stay exactly as the simulator keeps them.
 */
export function timeCalls(stats: { calls: Record<string, number> }, prefix = ''): TimedCall[] {
  const log: TimedCall[] = [];
  stats.calls = new Proxy(
    { ...stats.calls },
    {
      set(target, key, value) {
        if (typeof key === 'string') log.push({ key: `${prefix}${key}`, at: Date.now() });
        return Reflect.set(target, key, value);
      },
    },
  );
  return log;
}

/**
 * Times each rise of one numeric counter in a simulator's live stats (`serverLookups`), as timeCalls does
 * for `calls`: the field becomes an accessor that notes the time of each increment.
 */
export function timeCounter<K extends string>(stats: Record<K, number>, field: K, key: string): TimedCall[] {
  const log: TimedCall[] = [];
  let value = stats[field];
  Object.defineProperty(stats, field, {
    get: () => value,
    set(next: number) {
      for (let i = value; i < next; i += 1) log.push({ key, at: Date.now() });
      value = next;
    },
    enumerable: true,
  });
  return log;
}
