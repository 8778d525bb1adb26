import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { mapConcurrent } from '../activities/fleet/concurrency';
import { flavorWorkflowId } from '../contracts/flavor-workflow';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface SignalTiming {
  signalAt: number;
  /** The workflow task that saw the signal started then (a worker picked it up); absent if none did yet. */
  taskStartedAt?: number;
}

export interface FlavorHistory {
  flavor: string;
  runs: number;
  /** Every event of every run: its type (`WorkflowExecutionSignaled`, `MarkerRecorded`, …) and time (ms). */
  events: { type: string; at: number }[];
  /** [scheduled, closed] times (ms) of each cleanupRunners activity; a tick still running ends at Infinity. */
  cleanupWindows: [number, number][];
  /** Per pressure value (its first signal): when the server recorded it, and when the next workflow task started. */
  pressureSignals: Map<number, SignalTiming>;
}

/**
 * A flavor's whole history: its first run and every run continue-as-new chained after it, followed
 * through each run's ContinuedAsNew event (no visibility query, so nothing is missed to indexing lag).
 */
export async function flavorHistory(client: Client, flavor: string, firstRunId: string): Promise<FlavorHistory> {
  const result: FlavorHistory = {
    flavor,
    runs: 0,
    events: [],
    cleanupWindows: [],
    pressureSignals: new Map(),
  };
  for (let runId: string | undefined = firstRunId; runId;) {
    const history: temporal.api.history.v1.IHistory = await client.workflow
      .getHandle(flavorWorkflowId(flavor), runId)
      .fetchHistory();
    const events = history.events ?? [];
    result.runs += 1;
    result.events.push(...events.map((event) => ({ type: eventType(event), at: tsToMs(event.eventTime) })));
    result.cleanupWindows.push(...cleanupWindows(events));
    for (const [pressure, timing] of pressureSignals(events)) {
      if (!result.pressureSignals.has(pressure)) result.pressureSignals.set(pressure, timing);
    }
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return result;
}

export async function allHistories(client: Client, runIds: Map<string, string>): Promise<FlavorHistory[]> {
  return mapConcurrent([...runIds], 10, ([flavor, runId]) => flavorHistory(client, flavor, runId));
}

/** The event's type from the one attributes field it carries: `timerFiredEventAttributes` → `TimerFired`. */
function eventType(event: HistoryEvent): string {
  const field = Object.keys(event).find(
    (key) => key.endsWith('EventAttributes') && event[key as keyof HistoryEvent] != null,
  );
  return field ? field[0].toUpperCase() + field.slice(1, -'EventAttributes'.length) : 'Unknown';
}

function cleanupWindows(events: HistoryEvent[]): [number, number][] {
  const scheduled = new Map<number, number>();
  const windows: [number, number][] = [];
  for (const event of events) {
    const at = tsToMs(event.eventTime);
    if (event.activityTaskScheduledEventAttributes?.activityType?.name === 'cleanupRunners') {
      scheduled.set(Number(event.eventId), at);
    }
    const closed =
      event.activityTaskCompletedEventAttributes ??
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes ??
      event.activityTaskCanceledEventAttributes;
    const start = closed && scheduled.get(Number(closed.scheduledEventId));
    if (typeof start === 'number') {
      windows.push([start, at]);
      scheduled.delete(Number(closed?.scheduledEventId));
    }
  }
  // A tick still running when the history was read lasts, as far as we know, until now.
  for (const start of scheduled.values()) windows.push([start, Infinity]);
  return windows;
}

/** The pressure signals' values (JSON payloads: `{streamId, pressure}`) and timings, in history order. */
function pressureSignals(events: HistoryEvent[]): [number, SignalTiming][] {
  const signals: [number, SignalTiming][] = [];
  let waiting: SignalTiming[] = [];
  for (const event of events) {
    const at = tsToMs(event.eventTime);
    if (event.workflowTaskStartedEventAttributes) {
      for (const timing of waiting) timing.taskStartedAt = at;
      waiting = [];
    }
    const signal = event.workflowExecutionSignaledEventAttributes;
    const data = signal?.signalName === 'pressure' ? signal.input?.payloads?.[0]?.data : undefined;
    if (!data) continue;
    const { pressure } = JSON.parse(Buffer.from(data).toString('utf8')) as { pressure?: unknown };
    if (typeof pressure !== 'number') continue;
    const timing: SignalTiming = { signalAt: at };
    waiting.push(timing);
    signals.push([pressure, timing]);
  }
  return signals;
}
