/**
 * What the runner fleet needs of the OpenStack and GitHub clients. The real clients
 * (activities/openstack, activities/github) satisfy these; so would any other cloud or forge.
 */
import type { RegisteredRunner as PlannedRegistration, VmServer as PlannedVm } from '../../policy/cleanup';

export interface VmServer extends PlannedVm {
  metadata: Record<string, string>;
}

export interface Compute {
  createServer(request: {
    name: string;
    image: string;
    flavor: string;
    network: string;
    userData: string;
    metadata: Record<string, string>;
    securityGroups?: string[];
    keyName?: string;
  }): Promise<{ id: string; name: string }>;
  /**
   * Every server carrying all of this metadata (paginated inside), newest first as Nova lists them; with
   * `runnerNamePrefix`, only those named `<prefix>-<n>`, filtered by the cloud.
   */
  listServers(filter: { metadata: Record<string, string>; runnerNamePrefix?: string }): Promise<VmServer[]>;
  findServerByName(name: string): Promise<VmServer | undefined>;
  deleteServer(id: string): Promise<'deleted' | 'gone'>;
}

export interface RegisteredRunner extends PlannedRegistration {
  labels: string[];
}

export interface RunnerRegistry {
  /** Registers a just-in-time runner; rejects with an error whose `kind` is 'runner-name-taken' on 409. */
  generateJitConfig(request: {
    name: string;
    labels: string[];
    runnerGroup?: string;
  }): Promise<{ runnerId: number; encodedJitConfig: string }>;
  listRunners(filter?: (name: string) => boolean): Promise<RegisteredRunner[]>;
  /** The registration of exactly this name, looked up by name (not a list of the whole scope). */
  findRunner(name: string): Promise<RegisteredRunner | undefined>;
  deleteRunner(id: number): Promise<'deleted' | 'gone' | 'busy'>;
}
