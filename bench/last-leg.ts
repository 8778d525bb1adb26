import type { CreateHops } from './create-hops';
import type { FlavorHistory } from './history';
import type { MatchedChange } from './latency-probe';
import { distribution, round, type Distribution } from './stats';

/**
 * The hops of the last leg, workflow task started → Nova create request, in order. Each is the time
 * between two points on this machine's clock: the server's (history events), core's (the local
 * activity's scheduled time), the worker's own (activity start, undici's request channels, the
 * product's marks) and the simulator's (arrival of the POST).
 */
export const LAST_LEG_HOPS = [
  ['activation', 'workflow task started → local activity scheduled (task to the worker, activation, command)'],
  ['localActivityStart', 'local activity scheduled → started'],
  ['toJitRequest', 'activity started → JIT request made (labels, runner group, octokit hooks)'],
  ['jitFirstByte', 'GitHub JIT request made → answer headers (time to first byte)'],
  ['jitTotal', 'GitHub JIT request made → registered (answer read; the Nova name look-up beside it done)'],
  ['userData', 'rendering the user data'],
  ['toTokenCheck', 'user data → the Nova POST’s Keystone token check'],
  ['tokenCheck', 'Keystone token check'],
  ['toNovaRequest', 'token check → Nova request made'],
  ['novaRequest', 'Nova request made → received by Nova (queue, connect, write)'],
] as const;

export type LastLegHop = (typeof LAST_LEG_HOPS)[number][0];

export interface LastLegSplit {
  /** Per hop, its distribution over the changes that had every point. */
  hops: Record<LastLegHop, Distribution>;
  /** Of those changes, how many JIT and Nova requests needed a new connection. */
  newConnections: { jit: number; nova: number };
  /** Changes split (all points present), and why the others could not be. */
  count: number;
  incomplete: Record<string, number>;
}

/** Splits each change's last leg by the worker's hop records, matched by runner name. */
export function splitLastLeg(changes: MatchedChange[], histories: FlavorHistory[], hops: CreateHops[]): LastLegSplit {
  const signals = new Map(histories.map((history) => [history.flavor, history.pressureSignals]));
  const byRunner = new Map(hops.map((record) => [record.runner, record]));
  const samples: Record<LastLegHop, number>[] = [];
  const newConnections = { jit: 0, nova: 0 };
  const incomplete: Record<string, number> = {};
  const skip = (why: string) => (incomplete[why] = (incomplete[why] ?? 0) + 1);
  for (const change of changes) {
    const taskStartedAt = signals.get(change.flavor)?.get(change.value)?.taskStartedAt;
    const record = change.runner === undefined ? undefined : byRunner.get(change.runner);
    const { registered, 'user-data-rendered': rendered } = record?.marks ?? {};
    const { 'token-check-start': tokenStart, 'token-check-end': tokenEnd } = record?.marks ?? {};
    const jit = record?.jit;
    const nova = record?.nova;
    if (taskStartedAt === undefined || change.createdAt === undefined) skip('no task or no create');
    else if (!record) skip('no create activity of that runner');
    else if (jit?.headers === undefined || !nova) skip('no JIT answer or Nova request');
    else if (registered === undefined || rendered === undefined) skip('no registration or user data mark');
    else if (tokenStart === undefined || tokenEnd === undefined) skip('no token check mark');
    else {
      samples.push({
        activation: record.scheduledAt - taskStartedAt,
        localActivityStart: record.startedAt - record.scheduledAt,
        toJitRequest: jit.created - record.startedAt,
        jitFirstByte: jit.headers - jit.created,
        jitTotal: registered - jit.created,
        userData: rendered - registered,
        toTokenCheck: tokenStart - rendered,
        tokenCheck: tokenEnd - tokenStart,
        toNovaRequest: nova.created - tokenEnd,
        novaRequest: change.createdAt - nova.created,
      });
      if (jit.connected) newConnections.jit += 1;
      if (nova.connected) newConnections.nova += 1;
    }
  }
  const hopsOf = Object.fromEntries(
    LAST_LEG_HOPS.map(([hop]) => [hop, distribution(samples.map((sample) => round(sample[hop], 2)))]),
  ) as Record<LastLegHop, Distribution>;
  return { hops: hopsOf, newConnections, count: samples.length, incomplete };
}
