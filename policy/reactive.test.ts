import { reconcileReactive, supportsJobLabels } from './reactive';

describe('reconcileReactive', () => {
  const counts = { runners: 5, idleRunners: 0, consumers: 5, queuedJobs: 3 };
  test.each([
    // The original's five examples (runners busy, queue not empty).
    ['5 + 5 == 10: no action', { ...counts, quantity: 10 }, 0, 0],
    ['quantity 15: 5 consumers started', { ...counts, quantity: 15 }, 5, 0],
    ['quantity 7: 3 consumers stopped', { ...counts, quantity: 7 }, -3, 0],
    ['quantity 5: all consumers stopped', { ...counts, quantity: 5 }, -5, 0],
    ['quantity 4: 1 runner removed, all consumers stopped', { ...counts, idleRunners: 2, quantity: 4 }, -5, 1],
    // Edges.
    ['quantity 4, no idle runner: the busy surplus stays', { ...counts, quantity: 4 }, -5, 0],
    ['zero quantity: every consumer stopped, idle runners go', { ...counts, idleRunners: 3, quantity: 0 }, -5, 3],
    ['zero everything', { runners: 0, idleRunners: 0, consumers: 0, queuedJobs: 0, quantity: 0 }, 0, 0],
    ['far more runners than quantity', { ...counts, runners: 30, idleRunners: 30, quantity: 10 }, -5, 20],
    ['empty queue: all idle runners removed first', { ...counts, idleRunners: 4, queuedJobs: 0, quantity: 10 }, 4, 4],
    [
      'empty queue, over quantity: idle gone, busy kept',
      { ...counts, idleRunners: 2, queuedJobs: 0, quantity: 2 },
      -5,
      2,
    ],
    ['fresh start', { runners: 0, idleRunners: 0, consumers: 0, queuedJobs: 0, quantity: 8 }, 8, 0],
  ])('%s', (_name, input, processesDiff, removeIdleRunners) => {
    const plan = reconcileReactive(input);
    expect(plan.processesDiff).toBe(processesDiff);
    expect(plan.removeIdleRunners).toBe(removeIdleRunners);
    expect(plan.metricStats).toEqual({
      runnersRemoved: removeIdleRunners,
      consumersStarted: Math.max(processesDiff, 0),
      consumersStopped: Math.max(-processesDiff, 0),
    });
  });

  test('never plans more removals than idle runners', () => {
    for (let runners = 0; runners <= 12; runners++) {
      for (let idle = 0; idle <= runners; idle++) {
        for (const queuedJobs of [0, 1]) {
          for (let quantity = 0; quantity <= 12; quantity++) {
            const plan = reconcileReactive({ runners, idleRunners: idle, consumers: 3, queuedJobs, quantity });
            expect(plan.removeIdleRunners).toBeLessThanOrEqual(idle);
            expect(3 + plan.processesDiff).toBeGreaterThanOrEqual(0);
            const left = runners - plan.removeIdleRunners;
            if (left <= quantity) expect(left + 3 + plan.processesDiff).toBe(quantity);
          }
        }
      }
    }
  });
});

describe('supportsJobLabels', () => {
  test.each([
    [['self-hosted', 'linux', 'x64', 'large'], ['large'], 'x64', true],
    [['Self-Hosted', 'LARGE'], ['large'], 'x64', true],
    [[], ['large'], 'x64', true],
    [['self-hosted', 'arm64'], ['large'], 'x64', false],
    [['self-hosted', 'arm64'], ['large'], 'arm64', true],
    [['gpu'], ['large'], 'x64', false],
    [['windows'], [], 'x64', false],
  ])('%j on %j (%s) → %s', (job, flavor, arch, expected) => {
    expect(supportsJobLabels(job, flavor, arch)).toBe(expected);
  });
});
