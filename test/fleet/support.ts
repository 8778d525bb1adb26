import { createRunnerFleet, type Compute, type FleetLog, type RunnerRegistry } from '../../activities/fleet';
import { ownershipMetadata } from '../../activities/fleet/create';
import { jitConfigFromUserData } from '../../simulators/vm-boot';
import type { RunnerFleet } from '../../activities';
import { createGitHubRunnerClient, type GitHubRunnerClient } from '../../activities/github/client';
import type { RunnerSpec } from '../../contracts/activities';
import { createOpenStackClient, type NovaClient, type OpenStackClientOptions } from '../../activities/openstack';
import { startSimulatedCloud, type SimulatedCloud } from '../../simulators/cloud';
import type { OpenStackSimulatorOptions, SimServer } from '../../simulators/openstack';
import { eventually } from '../support/wait';

/** The flavor every fleet test runs; `foo-*` specs stand for a second flavor in the same project. */
export const spec: RunnerSpec = {
  flavor: 'small',
  runnerNamePrefix: 'small',
  image: 'ubuntu-24.04',
  openstackFlavor: 'm1.small',
  network: 'runners-net',
  labels: ['self-hosted', 'small'],
  architecture: 'x64',
};

export const specOf = (flavor: string): RunnerSpec => ({ ...spec, flavor, runnerNamePrefix: flavor });

export const names = (prefix: string, ...seqs: number[]) => seqs.map((seq) => `${prefix}-${seq}`);

/** The keys the simulators count list calls under. */
export const NOVA_LIST = 'compute GET /servers/detail';
export const GITHUB_LIST = 'GET /orgs/{org}/actions/runners';

export interface FleetHarness {
  cloud: SimulatedCloud;
  /** The real clients the fleet runs on, usable by a test to make state the fleet did not make. */
  compute: NovaClient;
  registry: GitHubRunnerClient;
  /** The flavor is the spec's of each call: one fleet serves `small` and `foo-*` alike. */
  fleet: RunnerFleet;
  /** What the fleet logged, and each delete in the order it reached a client. */
  warnings: { message: string; meta: Record<string, unknown> }[];
  deletes: string[];
  /** Every JIT config the fleet was issued, and those found in VMs' user data (see collectJitConfigs). */
  jitConfigs: Set<string>;
  close(): Promise<void>;
}

/**
 * The simulated cloud with the real OpenStack and GitHub clients over loopback HTTP, and the fleet built
 * on them. Deletes are recorded on their way to the clients, so that tests see which side went first, and
 * every JIT config issued to the fleet is kept, so that tests can look for it where it must not be.
 */
export async function startFleet(
  options: { openstack?: OpenStackSimulatorOptions; client?: OpenStackClientOptions } = {},
): Promise<FleetHarness> {
  const cloud = await startSimulatedCloud({ openstack: { bootDelayMs: 100, ...options.openstack } });
  const compute = createOpenStackClient(cloud.openstack.credentials, {
    retry: { baseDelayMs: 20 },
    ...options.client,
  });
  const registry = createGitHubRunnerClient({
    auth: { kind: 'token', token: cloud.github.token },
    scope: { org: cloud.github.org },
    baseUrl: cloud.github.url,
  });
  const warnings: FleetHarness['warnings'] = [];
  const deletes: string[] = [];
  const jitConfigs = new Set<string>();
  const recordingCompute: Compute = {
    createServer: (request) => compute.createServer(request),
    listServers: (filter) => compute.listServers(filter),
    findServerByName: (name) => compute.findServerByName(name),
    deleteServer: (id) => {
      deletes.push(`vm ${id}`);
      return compute.deleteServer(id);
    },
  };
  const recordingRegistry: RunnerRegistry = {
    generateJitConfig: async (request) => {
      const registration = await registry.generateJitConfig(request);
      jitConfigs.add(registration.encodedJitConfig);
      return registration;
    },
    listRunners: (filter) => registry.listRunners(filter),
    findRunner: (name) => registry.findRunner(name),
    deleteRunner: (id) => {
      deletes.push(`github ${id}`);
      return registry.deleteRunner(id);
    },
  };
  const log: FleetLog = { warn: (message, meta) => warnings.push({ message, meta }) };
  return {
    cloud,
    compute,
    registry,
    fleet: createRunnerFleet({ compute: recordingCompute, registry: recordingRegistry, log }),
    warnings,
    deletes,
    jitConfigs,
    close: () => cloud.close(),
  };
}

/** The VM user data's JIT configs of every server now in the cloud, recorded as a harness secret too. */
export function collectJitConfigs(harness: FleetHarness): void {
  for (const { userData } of harness.cloud.openstack.servers()) {
    const jitConfig = userData && jitConfigFromUserData(userData);
    if (jitConfig) harness.jitConfigs.add(jitConfig);
  }
}

/** Resolves once each named runner is registered online (its VM booted with its JIT config). */
export async function online(cloud: SimulatedCloud, runnerNames: string[]): Promise<void> {
  await eventually(
    async () => {
      const up = new Set(cloud.github.runners().flatMap((runner) => (runner.status === 'online' ? [runner.name] : [])));
      return runnerNames.filter((name) => !up.has(name));
    },
    (missing) => missing.length === 0,
    { what: 'every runner online (last value: the ones still missing)', timeoutMs: 5_000, intervalMs: 20 },
  );
}

export const vmsNamed = (cloud: SimulatedCloud, name: string): SimServer[] =>
  cloud.openstack.servers().filter((server) => server.name === name);

export const vmNames = (cloud: SimulatedCloud): string[] =>
  cloud.openstack
    .servers()
    .map((server) => server.name)
    .sort();

export const registrationNames = (cloud: SimulatedCloud): string[] =>
  cloud.github
    .runners()
    .map((runner) => runner.name)
    .sort();

/**
 * A runner whose VM never starts it: registered at GitHub, and a VM with this flavor's ownership but no
 * user data (so the simulated boot brings nothing online). Returns the VM id.
 */
export async function stuckRunner(harness: FleetHarness, name: string, runnerSpec = spec): Promise<string> {
  const { encodedJitConfig } = await harness.registry.generateJitConfig({ name, labels: runnerSpec.labels });
  harness.jitConfigs.add(encodedJitConfig);
  return (await directVm(harness, name, runnerSpec)).id;
}

/** A VM made straight through Nova, with the ownership metadata of `runnerSpec`'s flavor. */
export function directVm(harness: FleetHarness, name: string, runnerSpec = spec): Promise<{ id: string }> {
  return harness.compute.createServer({
    name,
    image: runnerSpec.image,
    flavor: runnerSpec.openstackFlavor,
    network: runnerSpec.network,
    metadata: ownershipMetadata('runner-autoscaler', runnerSpec.flavor),
  });
}

/** Stringifies every result given and checks none holds a credential or a JIT config. */
export function expectNoSecret(harness: FleetHarness, ...results: unknown[]): void {
  collectJitConfigs(harness);
  const secrets = [
    harness.cloud.github.token,
    harness.cloud.openstack.credentials.password.reveal(),
    ...harness.jitConfigs,
  ];
  expect(harness.jitConfigs.size).toBeGreaterThan(0);
  const text = JSON.stringify(results);
  for (const secret of secrets) expect(text).not.toContain(secret);
}
