import type http from 'node:http';
import { oddLine, type MalformedKind, type PlannerFaults } from './faults';
import type { PressureModel } from './pressure-model';
import type { PlannerSimulatorStats, StreamRecord } from './types';

/** The flavor name that asks for every flavor at once: its lines are `{"large":1,"small":0}`. */
export const ALL_FLAVORS = '_';

/** Long enough for the two halves of a split line to reach the client in separate reads. */
const SPLIT_PAUSE_MS = 20;

export interface Stream {
  record: StreamRecord;
  res: http.ServerResponse;
  /** False once the stream is closed, ended or being dropped: nothing more is written. */
  open: boolean;
  valueLinesSinceOdd: number;
  /** While the second half of a split line is pending, later lines queue behind it. */
  splitting: boolean;
  backlog: Buffer[];
}

/**
 * Writes a stream's lines: its current value (`{"small":3}`, `{}` once the flavor is deleted, every
 * flavor for `_`), and the faults that bend them (stall, drop, odd lines, split lines).
 */
export function createStreamWriter(deps: {
  model: PressureModel;
  faults: PlannerFaults;
  stats: PlannerSimulatorStats;
  onLineWritten?: (flavor: string, pressure: number, at: number) => void;
}) {
  const { model, faults, stats } = deps;
  /** Odd kinds go round robin per flavor, not per stream: a client that reconnects meets the next kind. */
  const nextOdd = new Map<string, number>();

  const write = (stream: Stream, payload: Buffer) => {
    if (!stream.open) return;
    if (stream.splitting) {
      stream.backlog.push(payload);
      return;
    }
    stream.record.linesWritten += 1;
    stats.linesWritten += 1;
    const drop = faults.dropAfterLines !== undefined && stream.record.linesWritten >= faults.dropAfterLines;
    if (!drop) {
      stream.res.write(payload);
      return;
    }
    // Destroy only once the line is flushed, so the client reads every line before the connection dies.
    stream.open = false;
    stream.res.write(payload, () => stream.res.socket?.destroy());
  };
  const writeLine = (stream: Stream, text: string) => write(stream, Buffer.from(`${text}\n`));

  /** Splits at the middle byte (possibly inside a multi-byte character) and sends the rest a moment later. */
  const writeSplit = (stream: Stream, text: string) => {
    if (!stream.open || stream.splitting) return writeLine(stream, text);
    const bytes = Buffer.from(`${text}\n`);
    const cut = Math.ceil(bytes.length / 2);
    stream.res.write(bytes.subarray(0, cut));
    stream.splitting = true;
    setTimeout(() => {
      stream.splitting = false;
      const queued = stream.backlog;
      stream.backlog = [];
      write(stream, bytes.subarray(cut));
      for (const payload of queued) write(stream, payload);
    }, SPLIT_PAUSE_MS);
  };

  const writeOdd = (stream: Stream, valueLine: string, value: number) => {
    const kinds = faults.malformedKinds;
    if (kinds.length === 0) return;
    const { flavor } = stream.record;
    const turn = nextOdd.get(flavor) ?? 0;
    nextOdd.set(flavor, turn + 1);
    const kind: MalformedKind = kinds[turn % kinds.length];
    stats.malformedWritten[kind] = (stats.malformedWritten[kind] ?? 0) + 1;
    if (kind === 'split') writeSplit(stream, valueLine);
    else writeLine(stream, oddLine(kind, flavor, value));
  };

  /**
   * Writes the stream's current value, as the planner does on connect, on a change and on a keep-alive;
   * false when nothing was written (a stalled planner, a closed stream).
   */
  const sendValue = (stream: Stream): boolean => {
    if (faults.stall || !stream.open) return false;
    const { flavor } = stream.record;
    const value = flavor === ALL_FLAVORS ? undefined : model.pressure(flavor);
    if (flavor === ALL_FLAVORS) writeLine(stream, JSON.stringify(model.all()));
    // A flavor deleted at the planner: its open streams stay open and get lines without its key.
    else if (value === undefined) writeLine(stream, '{}');
    else writeValue(stream, flavor, value);
    return true;
  };

  const writeValue = (stream: Stream, flavor: string, value: number) => {
    const line = JSON.stringify({ [flavor]: value });
    writeLine(stream, line);
    deps.onLineWritten?.(flavor, value, Date.now());
    stream.valueLinesSinceOdd += 1;
    if (faults.malformedEvery !== undefined && stream.valueLinesSinceOdd >= faults.malformedEvery) {
      stream.valueLinesSinceOdd = 0;
      writeOdd(stream, line, value);
    }
  };

  return { sendValue };
}
