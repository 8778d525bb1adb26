import type { Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapConcurrent } from '../activities/fleet/concurrency';
import type { RunnerSpec } from '../contracts/activities';
import { flavorWorkflowId } from '../contracts/flavor-workflow';
import { stateQuery } from '../contracts/definitions';
import { startFlavor } from '../contracts/start-flavor';
import type { FlavorSettingsInput } from '../contracts/settings';
import type { FlavorState } from '../contracts/state';

/** Client calls in flight at once when starting or querying many flavors: enough to be quick, not a storm. */
const CONCURRENCY = 50;
const POLL_MS = 500;

/** `flavor-0001` …: names that sort, and that no other flavor's runner names can be mistaken for. */
export function flavorNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `flavor-${String(i + 1).padStart(4, '0')}`);
}

/** The flavor of a runner or VM named `<flavor>-<seq>` (the default prefix is the flavor). */
export function flavorOfRunner(name: string): string {
  return name.slice(0, name.lastIndexOf('-'));
}

/** What a benchmark runner is made of: the simulators' default image, flavor and network. */
export function benchSpec(flavor: string): RunnerSpec {
  return {
    flavor,
    runnerNamePrefix: flavor,
    image: 'ubuntu-24.04',
    openstackFlavor: 'm1.small',
    network: 'runners-net',
    labels: ['self-hosted', 'bench'],
    architecture: 'x64',
  };
}

/** Starts one workflow per flavor; answers each flavor's first run id (continue-as-new chains start there). */
export async function startFlavors(
  client: Client,
  taskQueue: string,
  flavors: string[],
  overrides: Partial<FlavorSettingsInput> = {},
): Promise<Map<string, string>> {
  const runIds = await mapConcurrent(flavors, CONCURRENCY, async (flavor) => {
    const settings = { ...benchSpec(flavor), ...overrides };
    const { firstRunId } = await startFlavor(client, { taskQueue, settings });
    if (!firstRunId) throw new Error(`flavor ${flavor} is running already: benchmarks start on a fresh server`);
    return [flavor, firstRunId] as const;
  });
  return new Map(runIds);
}

/**
 * Waits until every flavor has its stream up, has taken `pressure` (0 unless told) and finished its
 * first cleanup tick, so that a measured change never waits behind start-up work.
 */
export async function waitUntilSettled(
  client: Client,
  flavors: string[],
  timeoutMs: number,
  pressure = 0,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = flavors;
  while (pending.length > 0) {
    const states = await mapConcurrent(pending, CONCURRENCY, (flavor) =>
      client.workflow
        .getHandle(flavorWorkflowId(flavor))
        .query(stateQuery)
        .catch(() => undefined),
    );
    pending = pending.filter((_, i) => !settled(states[i], pressure));
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending.length} flavor(s) not settled, e.g. ${pending[0]}`);
    await sleep(POLL_MS);
  }
}

function settled(state: FlavorState | undefined, pressure: number): boolean {
  return (
    state !== undefined &&
    state.stream?.connected === true &&
    state.lastPressure === pressure &&
    state.totals.cleanupTicks >= 1 &&
    state.operation === undefined
  );
}
