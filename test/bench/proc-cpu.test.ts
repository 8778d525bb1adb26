import { busySecondsOfMachineStat, cpuSecondsOfStat } from '../../bench/proc-cpu';

describe("the benchmark's /proc CPU readings", () => {
  it('reads utime and stime after a command name with spaces and parentheses', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const stat = '4242 (node (worker) 2) S 1 4242 4242 0 -1 4194304 900 0 3 0 1234 566 0 0 20 0 11 0';
    expect(cpuSecondsOfStat(stat)).toBe(18);
  });

  it('counts every busy column of the machine total, not idle or iowait', () => {
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    const stat = 'cpu  1000 50 300 90000 700 20 30 100 0 0\ncpu0 500 25 150 45000 350 10 15 50 0 0\n';
    expect(busySecondsOfMachineStat(stat)).toBe(15);
  });
});
