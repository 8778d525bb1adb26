import { setTimeout as sleep } from 'node:timers/promises';
import { asHttpError } from './http-error';
import type { OctokitPlugin } from './plugins';

/**
 * 5xx answers and lost or timed-out connections (octokit reports those as 500 too) are retried, three
 * times after 0.5, 2 and 4.5 s; 4xx never are: a 409 is a name taken, and rate limits have their own
 * handling. A retried POST generate-jitconfig whose first attempt did register answers 409, which the
 * caller already recovers from (RunnerNameTaken).
 */
export function retryServerErrors(retries = 3, baseDelayMs = 500): OctokitPlugin {
  return (octokit) => {
    octokit.hook.wrap('request', async (request, options) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await request(options);
        } catch (err) {
          const status = asHttpError(err)?.status;
          if (status === undefined || status < 500 || attempt > retries) throw err;
          await sleep(attempt * attempt * baseDelayMs);
        }
      }
    });
  };
}
