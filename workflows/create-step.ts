/**
 * The create step: a local activity makes the named runners, and the state counts what it made. A
 * create that made nothing pauses creation until the next cleanup tick (see ReconcilerState).
 */
import { condition, isCancellation, log } from '@temporalio/workflow';
import { createRunners } from './activity-proxies';
import { describeFailure } from './failures';
import type { FlavorRun } from './flavor-run';
import { scaleUpAnswered } from './flavor-metrics';
import type { ReconcilerState } from './reconciler-state';

/**
 * Creates these runners; answers the names whose VM exists now. The pressure rise pending when it starts
 * is the one it serves: answered with runners, its scale-up latency goes to the worker's metrics; with
 * none, the rise waits for the next create.
 */
export async function createStep(run: FlavorRun, names: string[]): Promise<string[]> {
  const { settings, state } = run;
  const rise = state.takePressureRise();
  const created = await createRunnersNamed(run, names);
  if (rise !== undefined && created.length > 0) scaleUpAnswered(settings.flavor, rise);
  else if (rise !== undefined) state.restorePressureRise(rise);
  return created;
}

async function createRunnersNamed({ settings, state }: FlavorRun, names: string[]): Promise<string[]> {
  state.recordOperation('create');
  try {
    const result = await createRunners({ spec: settings, names });
    state.recordCreate(result);
    return result.created;
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.warn('create failed', { flavor: settings.flavor, count: names.length, error: describeFailure(err) });
    state.recordCreate({ created: [], failed: names.map((name) => ({ name, reason: describeFailure(err) })) });
    return [];
  } finally {
    state.recordOperation(undefined);
  }
}

/** Reactive mode: the runners consumers asked for, made in one create so creates stay in the one loop. */
export async function createForJobs(run: FlavorRun): Promise<void> {
  const names = run.state.takeRunnerRequests();
  const created = await createStep(run, names);
  run.state.recordRunnerResults(names, created);
}

/** How a consumer asks the main loop for its runner; answers whether the runner exists now. */
export function runnerRequester(state: ReconcilerState) {
  return async (name: string): Promise<boolean> => {
    state.recordRunnerRequest(name);
    await condition(() => state.hasRunnerResult(name));
    return state.takeRunnerResult(name);
  };
}
