import type { Gauge } from 'prom-client';

/**
 * Which planner streams on this worker are connected, for `stream_connected`: a stream counts from its
 * first delivered value (as the workflow's own `stream.connected` does) until its activity ends. Streams
 * are told apart by run and stream id, so a stream left over from before continue-as-new ending late
 * does not mark its successor down.
 */
export class StreamTracker {
  private readonly open = new Map<string, Set<string>>();

  constructor(private readonly connected: Gauge<'flavor'>) {}

  /** A stream activity began: until it delivers, the flavor shows 0 rather than no series at all. */
  started(flavor: string): void {
    if (!this.open.has(flavor)) this.connected.set({ flavor }, 0);
  }

  delivered(flavor: string, stream: { runId: string; streamId: number }): void {
    const streams = this.open.get(flavor) ?? new Set<string>();
    this.open.set(flavor, streams.add(key(stream)));
    this.connected.set({ flavor }, 1);
  }

  ended(flavor: string, stream: { runId: string; streamId: number }): void {
    const streams = this.open.get(flavor);
    streams?.delete(key(stream));
    if (streams?.size === 0) this.open.delete(flavor);
    this.connected.set({ flavor }, streams && streams.size > 0 ? 1 : 0);
  }
}

const key = ({ runId, streamId }: { runId: string; streamId: number }) => `${runId}/${streamId}`;
