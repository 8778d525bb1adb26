import { PlannerStreamError } from '../../activities/planner/errors';
import type { PressureSource } from '../../activities/pressure-stream';

type Stream = { onPressure: (pressure: number) => void; fail: (err: Error) => void };

/**
 * An in-process pressure source for workflow tests (the real client speaks HTTP to the planner): tests
 * set values, break streams, or make connections fail at once with a given kind.
 */
export class FakePlanner implements PressureSource {
  private readonly streams = new Map<string, Set<Stream>>();
  private readonly values = new Map<string, number>();
  /** When set, every new connection for this flavor fails at once with this kind. */
  readonly refuse = new Map<string, 'unauthorized' | 'not-found' | 'transient'>();
  connections = 0;

  streamPressure(
    flavor: string,
    options: { signal: AbortSignal; onPressure: (pressure: number) => void },
  ): Promise<never> {
    this.connections += 1;
    return new Promise<never>((_, reject) => {
      const refusal = this.refuse.get(flavor);
      if (refusal) return reject(new PlannerStreamError(refusal, `planner refused: ${refusal}`));
      const streams = this.streams.get(flavor) ?? new Set<Stream>();
      this.streams.set(flavor, streams);
      const stream: Stream = {
        onPressure: options.onPressure,
        fail: (err) => {
          streams.delete(stream);
          reject(err);
        },
      };
      streams.add(stream);
      options.signal.addEventListener('abort', () => stream.fail(new Error('aborted')), { once: true });
      const value = this.values.get(flavor);
      if (value !== undefined) options.onPressure(value);
    });
  }

  set(flavor: string, pressure: number): void {
    this.values.set(flavor, pressure);
    for (const stream of this.streams.get(flavor) ?? []) stream.onPressure(pressure);
  }

  /** Ends every open stream of the flavor with a transient error. */
  drop(flavor: string): void {
    for (const stream of [...(this.streams.get(flavor) ?? [])]) {
      stream.fail(new PlannerStreamError('transient', 'connection reset'));
    }
  }

  openStreams(flavor: string): number {
    return this.streams.get(flavor)?.size ?? 0;
  }
}
