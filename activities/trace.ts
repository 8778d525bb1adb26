import { channel } from 'node:diagnostics_channel';

/**
 * Marks on the way of a runner create, published on the diagnostics channel `runner-autoscaler:create`
 * for whoever subscribes (the latency benchmark splits its last leg with them, with undici's own request
 * channels beside). Without a subscriber a mark costs one check.
 */
export type CreateStep = 'registered' | 'user-data-rendered' | 'token-check-start' | 'token-check-end';

export interface CreateMark {
  step: CreateStep;
  /** Epoch ms, sub-millisecond. */
  at: number;
}

const marks = channel('runner-autoscaler:create');

export function markCreate(step: CreateStep): void {
  if (marks.hasSubscribers)
    marks.publish({ step, at: performance.timeOrigin + performance.now() } satisfies CreateMark);
}
