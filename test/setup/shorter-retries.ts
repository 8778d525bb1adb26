import type { RetryPolicy } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type {
  ActivityInput,
  LocalActivityInput,
  Next,
  WorkflowInterceptorsFactory,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

/**
 * A workflow interceptor bundled into the tests' workflow code only (test/setup/global-setup.ts): every
 * activity's retry intervals are a hundredth of production's, so no test waits on the production retry
 * schedule (cleanup's 2 s doubling to 30 s, five attempts, is 0.3 s here). The policy's shape stays
 * production's: the same attempts, coefficient and non-retryable types; the product's code and contracts
 * carry no test-only option. A failure's own `nextRetryDelay` (a rate limit's pause) is left as it is.
 */
export const RETRY_SCALE = 0.01;

/** The server's default first interval, for a policy that leaves it unset. */
const DEFAULT_INITIAL_MS = 1000;

export function shorterRetry(retry: RetryPolicy | undefined): RetryPolicy {
  const scaled = (ms: number) => Math.max(Math.round(ms * RETRY_SCALE), 1);
  return {
    ...retry,
    initialInterval: scaled(
      retry?.initialInterval === undefined ? DEFAULT_INITIAL_MS : msToNumber(retry.initialInterval),
    ),
    maximumInterval: retry?.maximumInterval === undefined ? undefined : scaled(msToNumber(retry.maximumInterval)),
  };
}

class ShorterRetries implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) {
    return next({ ...input, options: { ...input.options, retry: shorterRetry(input.options.retry) } });
  }

  scheduleLocalActivity(
    input: LocalActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
  ) {
    return next({ ...input, options: { ...input.options, retry: shorterRetry(input.options.retry) } });
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ outbound: [new ShorterRetries()] });
