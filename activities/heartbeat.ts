import { Context } from '@temporalio/activity';

/**
 * How often an activity heartbeats: a third of its heartbeat timeout (30 s when none is set), at most
 * every 10 s and at least every 200 ms, so that two beats may be lost before the server gives up on it.
 */
export function heartbeatEveryMs(ctx: Context): number {
  return Math.max(Math.min((ctx.info.heartbeatTimeoutMs ?? 30_000) / 3, 10_000), 200);
}

/**
 * The activity, heartbeating on a timer while it runs. Its worker's death is then seen at the heartbeat
 * timeout, not at the start-to-close one: without it, a cleanup taken by a worker killed moments later
 * held its flavor's stop for the 5 minutes of that timeout (soak seed 42). Local activities cannot
 * heartbeat (their worker's death ends their workflow task instead): they run as they are.
 */
export function heartbeating<Request, Result>(
  activity: (request: Request) => Promise<Result>,
): (request: Request) => Promise<Result> {
  return async (request) => {
    const ctx = Context.current();
    if (ctx.info.isLocal || ctx.info.heartbeatTimeoutMs === undefined) return activity(request);
    const beat = setInterval(() => ctx.heartbeat(), heartbeatEveryMs(ctx));
    try {
      return await activity(request);
    } finally {
      clearInterval(beat);
    }
  };
}
