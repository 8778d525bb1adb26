import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream architecture). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; undefined once it is gone. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    return cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** utime + stime of a `/proc/<pid>/stat` line, in seconds. */
export function cpuSecondsOfStat(stat: string): number {
  // The fields after the command name, which is in parentheses and may hold spaces and parentheses
  // itself: state is [0], utime [11], stime [12].
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds the whole machine spent busy (everything but idle and iowait), all cores together. */
export function machineBusySeconds(): number {
  return busySecondsOfMachineStat(readFileSync('/proc/stat', 'utf8'));
}

/** The busy seconds of `/proc/stat`'s first line (every core's `cpu` total). */
export function busySecondsOfMachineStat(stat: string): number {
  const [, ...values] = stat.split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = values.map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

export interface CpuShare {
  /** Cores the process kept busy on average over the window (1 = one core all the time). */
  cores: number;
  /** Its part of all the CPU time the machine spent busy in the window, other work included. */
  shareOfBusy: number;
}

export interface CpuWindowReport {
  seconds: number;
  /** Cores the machine had, and how many it kept busy on average. */
  machineCores: number;
  machineBusyCores: number;
  byProcess: Record<string, CpuShare>;
}

/**
 * CPU time of named processes over a window, read from /proc at its start and end: what a process used,
 * against the wall clock and against what the whole machine used (other helpers' work included).
 */
export function startCpuWindow(processes: Record<string, number>) {
  const startedAt = Date.now();
  const busyAtStart = machineBusySeconds();
  const atStart = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, processCpuSeconds(pid)]));
  return {
    report(): CpuWindowReport {
      const seconds = (Date.now() - startedAt) / 1000;
      const busy = machineBusySeconds() - busyAtStart;
      const round = (value: number) => Math.round(value * 100) / 100;
      const byProcess = Object.fromEntries(
        Object.entries(processes).flatMap(([name, pid]) => {
          const [start, end] = [atStart[name], processCpuSeconds(pid)];
          if (start === undefined || end === undefined) return [];
          const used = end - start;
          return [[name, { cores: round(used / seconds), shareOfBusy: round(busy > 0 ? used / busy : 0) }]];
        }),
      );
      return {
        seconds: round(seconds),
        machineCores: os.cpus().length,
        machineBusyCores: round(busy / seconds),
        byProcess,
      };
    },
  };
}
