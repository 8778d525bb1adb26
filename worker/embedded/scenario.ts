/** A short story of planner pressure, played on the planner simulator; the last values stay afterwards. */
export interface Scenario {
  durationSeconds: number;
  /** At `at` seconds, these flavors' pressure becomes these values. The first step (at 0) names every flavor. */
  steps: { at: number; pressures: Record<string, number> }[];
}

export const EXAMPLE_SCENARIO: Scenario = {
  durationSeconds: 90,
  steps: [
    { at: 0, pressures: { small: 0, large: 0 } },
    { at: 5, pressures: { small: 3 } },
    { at: 12, pressures: { large: 2 } },
    { at: 25, pressures: { small: 8 } },
    { at: 35, pressures: { large: 5 } },
    { at: 50, pressures: { small: 2 } },
    { at: 60, pressures: { large: 1 } },
    { at: 75, pressures: { small: 0 } },
  ],
};

export interface ScenarioPlayer {
  /** Scenario seconds played so far (real seconds times the speed), up to the duration. */
  elapsedSeconds(): number;
  readonly durationSeconds: number;
  done(): boolean;
  stop(): void;
}

/** Plays the steps on timers, `speed` times faster than written; `onEnd` runs once the duration has passed. */
export function playScenario(
  scenario: Scenario,
  {
    speed,
    setPressure,
    onEnd,
  }: { speed: number; setPressure: (flavor: string, value: number) => void; onEnd: () => void },
): ScenarioPlayer {
  const startedAt = Date.now();
  const apply = (pressures: Record<string, number>) => {
    for (const [flavor, value] of Object.entries(pressures)) setPressure(flavor, value);
  };
  const timers = scenario.steps.map((step) => setTimeout(() => apply(step.pressures), (step.at * 1000) / speed));
  let ended = false;
  timers.push(
    setTimeout(
      () => {
        ended = true;
        onEnd();
      },
      (scenario.durationSeconds * 1000) / speed,
    ),
  );
  return {
    durationSeconds: scenario.durationSeconds,
    elapsedSeconds: () => Math.min(((Date.now() - startedAt) / 1000) * speed, scenario.durationSeconds),
    done: () => ended,
    stop: () => timers.forEach(clearTimeout),
  };
}
