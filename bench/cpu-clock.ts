import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { round } from './stats';

/** Clock ticks per second of /proc's CPU times (USER_HZ), asked once. */
let ticksPerSecond: number | undefined;

/** CPU seconds (user + system) the process `pid` has used so far, from /proc (Linux); undefined elsewhere. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/**
 * The CPU share of several processes over a phase, in cores (1 = one core busy all the time): the dev
 * server, the worker and the benchmark process compete for the same cores, so each phase says who used them.
 */
export function cpuShares(pids: Record<string, number>) {
  const read = () => ({
    at: Date.now(),
    cpu: Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, cpuSeconds(p)])),
  });
  let start = read();
  return {
    mark(): void {
      start = read();
    },
    /** Cores used by each process since the last mark (null where /proc could not be read). */
    report(): Record<string, number | null> {
      const end = read();
      const seconds = (end.at - start.at) / 1000;
      return Object.fromEntries(
        Object.keys(pids).map((name) => {
          const [from, to] = [start.cpu[name], end.cpu[name]];
          return [
            name,
            from === undefined || to === undefined || seconds <= 0 ? null : round((to - from) / seconds, 2),
          ];
        }),
      );
    },
  };
}
