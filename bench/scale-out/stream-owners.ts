import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { mapConcurrent } from '../../activities/fleet/concurrency';
import { flavorWorkflowId } from '../../contracts/flavor-workflow';

const CONCURRENCY = 50;
const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

/**
 * Which worker process runs each flavor's pressure stream, as Temporal knows it: the stream is the
 * flavor's pending `streamPressure` activity, and the server records the identity of the worker that
 * took it (`lastWorkerIdentity`). The SDK's default identity is `<pid>@<host>`, so the identity names
 * the process. Answers flavor → pid, or undefined while no worker holds the stream (it is scheduled,
 * or between attempts).
 */
export async function streamOwners(client: Client, flavors: string[]): Promise<Map<string, number | undefined>> {
  const owners = await mapConcurrent(flavors, CONCURRENCY, async (flavor) => {
    const { raw } = await client.workflow.getHandle(flavorWorkflowId(flavor)).describe();
    const stream = raw.pendingActivities?.find((activity) => activity.activityType?.name === 'streamPressure');
    const pid = stream?.lastWorkerIdentity ? Number(stream.lastWorkerIdentity.split('@')[0]) : undefined;
    return [flavor, stream?.state === STARTED ? pid : undefined] as const;
  });
  return new Map(owners);
}

/** How many streams each worker process holds, in the order of `pids`; streams held by none last. */
export function spread(owners: Map<string, number | undefined>, pids: number[]): { perWorker: number[]; none: number } {
  const values = [...owners.values()];
  return {
    perWorker: pids.map((pid) => values.filter((owner) => owner === pid).length),
    none: values.filter((owner) => owner === undefined || !pids.includes(owner)).length,
  };
}
