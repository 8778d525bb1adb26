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
