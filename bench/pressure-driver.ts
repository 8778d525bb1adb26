import { setTimeout as sleep } from 'node:timers/promises';

export interface IncrementPlan {
  flavors: string[];
  changes: number;
  perSecond: number;
}

/**
 * `changes` pressure changes at a fixed rate, round robin over the flavors (with N flavors each sees a
 * change every N / perSecond seconds); a flavor's j-th change (from 0) sets it to valueAt(j). The
 * schedule is kept against the clock, so a slow step does not push the later ones back.
 */
export async function driveChanges(
  setPressure: (flavor: string, value: number) => void,
  { flavors, changes, perSecond }: IncrementPlan,
  valueAt: (j: number) => number,
  onChange: (flavor: string, at: number) => void = () => undefined,
): Promise<void> {
  const start = Date.now();
  for (let k = 0; k < changes; k += 1) {
    const due = start + (k * 1000) / perSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    const flavor = flavors[k % flavors.length];
    setPressure(flavor, valueAt(Math.floor(k / flavors.length)));
    onChange(flavor, Date.now());
  }
}

/** Pressure 1, 2, 3, …: each change asks for exactly one more runner, so it can be matched to its create. */
export function driveIncrements(
  setPressure: (flavor: string, value: number) => void,
  plan: IncrementPlan,
  onChange?: (flavor: string, at: number) => void,
): Promise<void> {
  return driveChanges(setPressure, plan, (j) => j + 1, onChange);
}
