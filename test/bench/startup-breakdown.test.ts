import { startupBreakdown } from '../../bench/startup-breakdown';
import type { FlavorHistory } from '../../bench/history';

const history = (flavor: string, taskAt: number, tick: [number, number]): FlavorHistory => ({
  flavor,
  runs: 1,
  events: [
    { type: 'WorkflowExecutionStarted', at: 0 },
    { type: 'WorkflowTaskStarted', at: taskAt },
    { type: 'WorkflowTaskCompleted', at: taskAt + 10 },
    { type: 'WorkflowTaskCompleted', at: 999_999 },
  ],
  cleanupWindows: [tick, [tick[1] + 300_000, Infinity]],
  pressureSignals: new Map(),
});

describe('startupBreakdown', () => {
  it('times each milestone from the first start, per flavor, and counts only what happened before settling', () => {
    const s = startupBreakdown({
      startedAt: 1000,
      clientStartsDoneAt: 3000,
      settledAt: 20_000,
      streamUpAt: new Map([
        ['a', 4000],
        ['b', 9000],
      ]),
      histories: [history('a', 2000, [2500, 5000]), history('b', 6000, [7000, 11_000])],
      calls: [
        { key: 'compute GET /servers/detail', at: 2600 },
        { key: 'github GET /orgs/{org}/actions/runners', at: 2700 },
        { key: 'compute GET /servers/detail', at: 30_000 },
        { key: 'identity POST /v3/auth/tokens', at: 2000 },
      ],
      cpuCores: { server: 0.5 },
    });
    expect(s.clientStartsSeconds).toBe(2);
    expect(s.firstTaskStarted).toEqual({ p50: 1, last: 5, count: 2 });
    expect(s.streamUp).toEqual({ p50: 3, last: 8, count: 2 });
    expect(s.firstTickScheduled).toEqual({ p50: 1.5, last: 6, count: 2 });
    expect(s.firstTickDone).toEqual({ p50: 4, last: 10, count: 2 });
    expect(s.firstTickDurationSeconds).toEqual({ p50: 2.5, max: 4 });
    expect(s.workflowTasks).toBe(2);
    expect(s.listCalls).toEqual({ 'compute GET /servers/detail': 1, 'github GET /orgs/{org}/actions/runners': 1 });
  });
});
