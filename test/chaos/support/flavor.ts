import type { Client, WorkflowHandle } from '@temporalio/client';
import type { SimulatedCloud } from '../../../simulators/cloud';
import type { FlavorWorkflow } from '../../../contracts/flavor-workflow';
import { startFlavor as startFlavorWorkflow } from '../../../contracts/start-flavor';
import { stateQuery } from '../../../contracts/definitions';
import type { FlavorSettingsInput } from '../../../contracts/settings';
import type { FlavorState } from '../../../contracts/state';
import { uniqueName } from '../../support/temporal';
import { WITHOUT_IDLE_CONFIRMATION } from '../../support/idle-rule';
import { eventually } from '../../support/wait';

/** A chaos flavor: its workflow on the simulators' image, flavor and network, and what the cloud holds of it. */

/** `network` appears only inside payloads (never as a plain history field): the history search's known string. */
export const VM_SETTINGS = {
  image: 'ubuntu-24.04',
  openstackFlavor: 'm1.small',
  network: 'runners-net',
  labels: ['self-hosted', 'chaos'],
  ...WITHOUT_IDLE_CONFIRMATION,
};

export type FlavorHandle = WorkflowHandle<FlavorWorkflow>;

export async function startFlavor(
  client: Client,
  taskQueue: string,
  settings: Omit<FlavorSettingsInput, 'flavor'>,
): Promise<{ flavor: string; handle: FlavorHandle }> {
  const flavor = uniqueName('chaos');
  const { handle } = await startFlavorWorkflow(client, {
    taskQueue,
    settings: { flavor, ...VM_SETTINGS, ...settings },
  });
  return { flavor, handle };
}

export function untilState(
  handle: FlavorHandle,
  accept: (state: FlavorState) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<FlavorState> {
  return eventually(() => handle.query(stateQuery), accept, { what, timeoutMs, intervalMs: 250 });
}

/** The flavor as the cloud sees it, straight from the simulators. */
export function cloudView(cloud: SimulatedCloud, flavor: string) {
  const vms = () => cloud.openstack.servers().filter((vm) => vm.metadata['runner-flavor'] === flavor);
  const runners = () => cloud.github.runners().filter((runner) => runner.name.startsWith(`${flavor}-`));
  return {
    vms,
    runners,
    /** VM names, sorted: duplicates show as repeats. */
    names: () =>
      vms()
        .map((vm) => vm.name)
        .sort(),
    duplicateNames: () => duplicates(vms().map((vm) => vm.name)),
    /** VMs with no online GitHub runner of the same name. */
    vmsWithoutRunner: () => {
      const online = new Set(
        runners()
          .filter((r) => r.status === 'online')
          .map((r) => r.name),
      );
      return vms()
        .filter((vm) => !online.has(vm.name))
        .map((vm) => vm.name);
    },
    /** GitHub registrations with no VM of the same name. */
    runnersWithoutVm: () => {
      const names = new Set(vms().map((vm) => vm.name));
      return runners()
        .filter((runner) => !names.has(runner.name))
        .map((runner) => runner.name);
    },
  };
}

function duplicates(names: string[]): string[] {
  const seen = new Set<string>();
  return [...new Set(names.filter((name) => seen.has(name) || !seen.add(name)))];
}
