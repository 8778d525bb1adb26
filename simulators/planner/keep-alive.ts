import type { KeepAliveMode } from './types';

/** What the ticker needs of the simulator: how to rewrite one stream's current value. */
export interface KeepAliveTarget<S> {
  /** `held`: the tick was held from before the stream connected. */
  resend(stream: S, held: boolean): void;
}

export interface KeepAliveTicker<S> {
  /** A stream's head and first line went out: it joins the rotation (and takes a held tick). */
  opened(stream: S): void;
  closed(stream: S): void;
  /** Ticks fired so far. */
  readonly ticks: number;
  stop(): void;
}

/**
 * The keep-alive ticker. The real planner's is 'shared': one process-wide ticker whose every tick
 * rewrites the current value to ONE open stream, round robin over all of them (every flavor's), so with
 * N streams open each stream hears a keep-alive only every N periods. A tick that fires while no stream
 * is open is held for the next stream that connects, which then gets its first line twice; several idle
 * ticks still hold one line, as observed ("its first line twice"). 'per-stream' rewrites every open
 * stream on every tick. Either way one timer serves every stream: a thousand streams cost one wake-up.
 */
export function startKeepAliveTicker<S>(
  mode: KeepAliveMode,
  periodMs: number,
  target: KeepAliveTarget<S>,
): KeepAliveTicker<S> {
  const rotation: S[] = [];
  let next = 0;
  let held = false;
  let ticks = 0;
  const tick = () => {
    ticks += 1;
    if (mode === 'per-stream') {
      for (const stream of [...rotation]) target.resend(stream, false);
      return;
    }
    if (rotation.length === 0) {
      held = true;
      return;
    }
    if (next >= rotation.length) next = 0;
    const stream = rotation[next];
    next += 1;
    target.resend(stream, false);
  };
  const timer = setInterval(tick, periodMs);
  timer.unref();
  return {
    opened(stream) {
      rotation.push(stream);
      if (!held) return;
      held = false;
      target.resend(stream, true);
    },
    closed(stream) {
      const at = rotation.indexOf(stream);
      if (at === -1) return;
      rotation.splice(at, 1);
      // The streams after it moved up one place: the rotation goes on where it was.
      if (at < next) next -= 1;
    },
    get ticks() {
      return ticks;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
