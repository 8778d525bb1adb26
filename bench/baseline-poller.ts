import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CreateRunnersRequest, RunnerSpec } from '../contracts/activities';

export interface PollerOptions {
  plannerUrl: string;
  plannerToken: string;
  flavors: string[];
  intervalMs: number;
  spec: (flavor: string) => RunnerSpec;
  /** The same create the worker uses (buildActivities(...).createRunners): only the trigger differs. */
  createRunners: (request: CreateRunnersRequest) => Promise<unknown>;
}

/**
 * The baseline: a reconcile loop per flavor that GETs the planner's one-shot pressure endpoint every
 * `intervalMs` and creates the shortfall when the value rose. Each loop starts at a random phase of the
 * interval, as independent loops would, so a change waits a uniform share of the interval for its poll.
 */
export function startBaselinePoller(options: PollerOptions): { stop(): Promise<void> } {
  const stopped = new AbortController();
  // One listener per flavor's sleep on the same signal: not a leak.
  setMaxListeners(options.flavors.length + 10, stopped.signal);
  const loops = options.flavors.map((flavor) => pollFlavor(options, flavor, stopped.signal));
  return {
    async stop() {
      stopped.abort();
      await Promise.all(loops);
    },
  };
}

async function pollFlavor(options: PollerOptions, flavor: string, stopped: AbortSignal): Promise<void> {
  let created = 0;
  let next = Date.now() + Math.random() * options.intervalMs;
  while (!stopped.aborted) {
    await sleep(Math.max(0, next - Date.now()), undefined, { signal: stopped }).catch(() => undefined);
    next += options.intervalMs;
    if (stopped.aborted) return;
    const pressure = await readPressure(options, flavor).catch(() => undefined);
    if (pressure === undefined || pressure <= created) continue;
    const names = Array.from({ length: pressure - created }, (_, i) => `${flavor}-${created + i + 1}`);
    created = pressure;
    await options.createRunners({ spec: options.spec(flavor), names }).catch(() => undefined);
  }
}

async function readPressure(options: PollerOptions, flavor: string): Promise<number | undefined> {
  const response = await fetch(`${options.plannerUrl}/api/v1/flavors/${encodeURIComponent(flavor)}/pressure`, {
    headers: { authorization: `Bearer ${options.plannerToken}` },
  });
  if (!response.ok) return undefined;
  const value = ((await response.json()) as Record<string, unknown>)[flavor];
  return typeof value === 'number' ? value : undefined;
}
