import { ApplicationFailure, asyncLocalStorage } from '@temporalio/activity';
import { FleetFailure } from '../../contracts/activities';
import { toActivityFailure } from '../failure-mapping';
import type { RunnerFleet } from '..';
import { cleanupRunners } from './cleanup';
import { createRunners } from './create';
import { deleteBusyRunners } from './delete-busy';
import { deleteIdleRunners } from './delete-idle';
import { defaultFleetLog, type FleetLog } from './log';
import { defaultFleetOptions, type FleetOptions } from './options';
import type { Compute, RunnerRegistry } from './ports';
import { forgettingDeletes, SharedRunnerList } from './runner-list';

export type { FleetLog } from './log';
export type { FleetOptions } from './options';
export type { Compute, RunnerRegistry } from './ports';

/**
 * The runner-lifecycle activities over a cloud (Nova) and a registry (GitHub). A create call that made
 * nothing at all fails, so that Temporal retries it; a partial one answers what it made.
 */
export function createRunnerFleet(deps: {
  compute: Compute;
  registry: RunnerRegistry;
  options?: Partial<FleetOptions>;
  /** The activity logger by default. */
  log?: FleetLog;
}): RunnerFleet {
  const runnerList = new SharedRunnerList(deps.registry);
  const fleet = {
    compute: deps.compute,
    registry: forgettingDeletes(deps.registry, runnerList),
    runnerList,
    options: { ...defaultFleetOptions, ...deps.options },
    log: deps.log ?? defaultFleetLog,
  };
  return {
    async createRunners({ spec, names }) {
      // A timed-out or cancelled attempt starts no further runner, so it cannot race its own retry.
      const cancelled = asyncLocalStorage.getStore()?.cancellationSignal;
      const errors: unknown[] = [];
      const result = await createRunners(fleet, spec, names, cancelled, errors);
      if (names.length > 0 && result.created.length === 0) {
        // A cause that retrying cannot mend (a bad credential, a refused request) fails as itself; any
        // other is retried as CreateFailed.
        const cause = toActivityFailure(errors[0]);
        if (cause instanceof ApplicationFailure && cause.nonRetryable) throw cause;
        const reason = result.failed[0]?.reason ?? 'unknown error';
        throw ApplicationFailure.retryable(`no runner created: ${reason}`, FleetFailure.createFailed);
      }
      return result;
    },
    cleanupRunners: ({ spec, bootTimeoutSeconds, runnerListMaxAgeSeconds = 0 }) =>
      cleanupRunners(fleet, spec, bootTimeoutSeconds, runnerListMaxAgeSeconds * 1000),
    deleteIdleRunners: ({ candidates, count }) => deleteIdleRunners(fleet, candidates, count),
    deleteBusyRunners: ({ candidates }) => deleteBusyRunners(fleet, candidates),
  };
}
