import type { RetryPolicy } from '@temporalio/common';
import { shorterRetry } from './shorter-retries';

/** The tests' retry schedule keeps production's shape at a hundredth of its intervals. */
test.each<[RetryPolicy | undefined, RetryPolicy]>([
  [
    { initialInterval: '2 s', maximumInterval: '30 s', maximumAttempts: 5 },
    { initialInterval: 20, maximumInterval: 300, maximumAttempts: 5 },
  ],
  [
    { maximumAttempts: 1, nonRetryableErrorTypes: ['X'] },
    { initialInterval: 10, maximumInterval: undefined, maximumAttempts: 1, nonRetryableErrorTypes: ['X'] },
  ],
  [undefined, { initialInterval: 10, maximumInterval: undefined }],
  [
    { initialInterval: 50, backoffCoefficient: 3 },
    { initialInterval: 1, backoffCoefficient: 3, maximumInterval: undefined },
  ],
])('%j → %j', (production, test) => {
  expect(shorterRetry(production)).toEqual(test);
});
