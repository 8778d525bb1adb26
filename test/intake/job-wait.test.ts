import { JobWaitClock } from '../../worker/intake/job-wait';

const flavors = [
  { flavor: 'small', mode: 'reactive' as const, runnerNamePrefix: 'small' },
  { flavor: 'planned', mode: 'planner' as const, runnerNamePrefix: 'planned' },
];

/** Replays deliveries at given times (ms) on a clock; answers what was observed. */
function run(deliveries: [number, 'queued' | 'started', number, string?][]): [string, number][] {
  let now = 0;
  const observed: [string, number][] = [];
  const clock = new JobWaitClock(
    flavors,
    (flavor, seconds) => observed.push([flavor, seconds]),
    () => now,
  );
  for (const [at, kind, jobId, runner] of deliveries) {
    now = at;
    if (kind === 'queued') clock.queued(jobId);
    else clock.started(jobId, runner);
  }
  return observed;
}

test.each([
  [
    'queued, then taken by a runner of the flavor',
    [
      [0, 'queued', 1],
      [42_000, 'started', 1, 'small-3'],
    ],
    [['small', 42]],
  ],
  [
    'a queued redelivery keeps the first arrival',
    [
      [0, 'queued', 1],
      [5_000, 'queued', 1],
      [9_000, 'started', 1, 'small-0'],
    ],
    [['small', 9]],
  ],
  [
    'an in_progress redelivery is not counted again',
    [
      [0, 'queued', 1],
      [3_000, 'started', 1, 'small-0'],
      [4_000, 'started', 1, 'small-0'],
    ],
    [['small', 3]],
  ],
  [
    'taken by a runner that is none of ours',
    [
      [0, 'queued', 1],
      [3_000, 'started', 1, 'someone-elses'],
    ],
    [],
  ],
  [
    'taken by a runner of a planner-mode flavor',
    [
      [0, 'queued', 1],
      [3_000, 'started', 1, 'planned-0'],
    ],
    [],
  ],
  [
    'in_progress without runner_name',
    [
      [0, 'queued', 1],
      [3_000, 'started', 1],
    ],
    [],
  ],
  ['in_progress of a job never queued here', [[3_000, 'started', 7, 'small-0']], []],
  [
    'a job queued more than 24 h before another is forgotten',
    [
      [0, 'queued', 1],
      [86_400_001, 'queued', 2],
      [86_400_002, 'started', 1, 'small-0'],
    ],
    [],
  ],
] as [string, [number, 'queued' | 'started', number, string?][], [string, number][]][])(
  '%s',
  (_what, deliveries, observed) => {
    expect(run(deliveries)).toEqual(observed);
  },
);
