import { subscribe } from 'node:diagnostics_channel';
import { asyncLocalStorage, type Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { CreateMark } from '../activities/trace';
import type { CreateRunnersRequest } from '../contracts/activities';

/** One HTTP exchange as undici's diagnostics channels saw it (epoch ms). */
export interface HttpTiming {
  /** The request object was made (undici:request:create). */
  created: number;
  /** Its headers were written to a socket: after a connect, when a new one was needed. */
  sent?: number;
  /** The answer's headers arrived (time to first byte). */
  headers?: number;
  /** The answer's body ended. */
  done?: number;
  /** A new connection was made for it. */
  connected?: true;
}

/**
 * Where one create local activity spent its time, from inside the worker: the activity's scheduled and
 * started times (core's clock, this machine's), the GitHub JIT and Nova POST exchanges, and the product's
 * own marks (activities/trace.ts). Keyed by the first runner name, as the benchmark matches creates.
 */
export interface CreateHops {
  runner: string;
  scheduledAt: number;
  startedAt: number;
  endedAt?: number;
  jit?: HttpTiming;
  nova?: HttpTiming;
  marks: Partial<Record<CreateMark['step'], number>>;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * Records the hops of every createRunners activity in this process: an activity interceptor for its
 * scheduled and started times, and subscribers to undici's request channels and the product's create
 * marks, which are published inside the activity's async context and so attributed to it.
 */
export function recordCreateHops(): { interceptor: ActivityInterceptorsFactory; hops: () => CreateHops[] } {
  const byContext = new WeakMap<Context, CreateHops>();
  const byRequest = new WeakMap<object, HttpTiming>();
  const all: CreateHops[] = [];
  const current = () => {
    const context = asyncLocalStorage.getStore();
    return context && byContext.get(context);
  };

  subscribe('runner-autoscaler:create', (message) => {
    const hops = current();
    const { step, at } = message as CreateMark;
    // The last mark of each step before the Nova POST: the name look-up beside the registration makes
    // a token check of its own first, which is not the one the POST waits on.
    if (hops && !hops.nova) hops.marks[step] = at;
  });
  subscribe('undici:request:create', (message) => {
    const hops = current();
    const { request } = message as { request: { method: string; path: string } };
    if (!hops || request.method !== 'POST') return;
    const timing: HttpTiming = { created: now() };
    if (request.path.endsWith('/generate-jitconfig') && !hops.jit) hops.jit = timing;
    else if (/\/servers$/.test(request.path) && !hops.nova) hops.nova = timing;
    else return;
    byRequest.set(request, timing);
  });
  // A socket connected and not yet written to: the request it first carries needed a new connection.
  const fresh = new WeakSet<object>();
  subscribe('undici:client:connected', (message) => fresh.add((message as { socket: object }).socket));
  const stamp = (field: 'sent' | 'headers' | 'done') => (message: unknown) => {
    const timing = byRequest.get((message as { request: object }).request);
    if (timing && timing[field] === undefined) timing[field] = now();
  };
  subscribe('undici:client:sendHeaders', (message) => {
    stamp('sent')(message);
    const { request, socket } = message as { request: object; socket: object };
    const timing = byRequest.get(request);
    if (timing && fresh.has(socket)) timing.connected = true;
    fresh.delete(socket);
  });
  subscribe('undici:request:headers', stamp('headers'));
  subscribe('undici:request:trailers', stamp('done'));

  const interceptor: ActivityInterceptorsFactory = (context) => ({
    inbound: {
      async execute(input, next) {
        if (context.info.activityType !== 'createRunners') return next(input);
        const startedAt = now();
        const [request] = input.args as [CreateRunnersRequest];
        const hops: CreateHops = {
          runner: request.names[0] ?? '',
          scheduledAt: context.info.currentAttemptScheduledTimestampMs,
          startedAt,
          marks: {},
        };
        all.push(hops);
        byContext.set(context, hops);
        try {
          return await next(input);
        } finally {
          hops.endedAt = now();
        }
      },
    },
  });
  return { interceptor, hops: () => all };
}
