import type { RunnerFleet } from '../../activities';
import { createRunnerFleet } from '../../activities/fleet';
import { ownershipMetadata } from '../../activities/fleet/create';
import type { RunnerState } from '../../contracts/activities';
import { FakeCompute, novaTime } from './fake-compute';
import { FakeRegistry } from './fake-registry';

const MANAGER_ID = 'runner-autoscaler';

type FleetCall = { kind: 'create' | 'cleanup' | 'delete'; count: number; at: number };

/**
 * One flavor's cloud for workflow tests: an in-memory Nova and GitHub behind the fleet's ports, linked as
 * the real ones are (a VM made boots its runner, which comes online; a VM deleted takes its runner
 * offline, its job failed), with the REAL fleet (activities/fleet) on top. Tests make runners busy or
 * stale, break Nova or GitHub, and read what the workflow asked the fleet for.
 */
export class FakeCloud {
  readonly compute = new FakeCompute();
  readonly registry = new FakeRegistry();
  /** Every fleet activity call, attempts included, as the workflow made it. */
  readonly calls: FleetCall[] = [];
  readonly fleet: RunnerFleet;

  constructor(readonly flavor: string) {
    this.compute.onCreated = (server) => {
      const runner = this.registry.runners.get(server.name);
      if (runner) runner.status = 'online';
    };
    this.compute.onDeleted = (server) => {
      const runner = this.registry.runners.get(server.name);
      if (runner) Object.assign(runner, { status: 'offline', busy: false });
    };
    const fleet = createRunnerFleet({
      compute: this.compute,
      registry: this.registry,
      options: { managerId: MANAGER_ID },
    });
    const record = (kind: FleetCall['kind'], count: number) => this.calls.push({ kind, count, at: Date.now() });
    this.fleet = {
      createRunners: (request) => (record('create', request.names.length), fleet.createRunners(request)),
      cleanupRunners: (request) => (record('cleanup', 0), fleet.cleanupRunners(request)),
      deleteIdleRunners: (request) => (record('delete', request.count), fleet.deleteIdleRunners(request)),
      deleteBusyRunners: (request) => (record('delete', request.candidates.length), fleet.deleteBusyRunners(request)),
    };
  }

  /** Runners by name, oldest first: a VM or a registration of that name, and what state it is in. */
  get runners(): Map<string, RunnerState> {
    const vms = new Set([...this.compute.servers.values()].map((server) => server.name));
    const runners = new Map<string, RunnerState>();
    for (const runner of this.registry.runners.values()) {
      runners.set(runner.name, runner.busy ? 'busy' : runner.status === 'online' ? 'idle' : 'offline');
    }
    for (const name of vms) if (!runners.has(name)) runners.set(name, 'offline');
    return runners;
  }

  /** How many more VMs Nova makes before it refuses for quota; undefined = no limit. */
  set capacity(capacity: number | undefined) {
    this.compute.capacity = capacity;
  }

  set createDelayMs(ms: number) {
    this.compute.createDelayMs = ms;
  }

  set listDelayMs(ms: number) {
    this.compute.listDelayMs = ms;
  }

  /** Nova answers 503 to everything, as in an outage. */
  set failCleanup(down: boolean) {
    this.compute.down = down;
  }

  /**
   * A runner an earlier run left: its VM, made at `createdAt`, and its registration, online (idle or busy)
   * or never come online.
   */
  addRunner(name: string, state: 'idle' | 'busy' | 'offline', createdAt: string): void {
    this.compute.add(name, ownershipMetadata(MANAGER_ID, this.flavor), novaTime(new Date(createdAt)));
    const runner = this.registry.add(name);
    runner.status = state === 'offline' ? 'offline' : 'online';
    runner.busy = state === 'busy';
  }

  /** Jobs start (busy) or end (idle) on these runners, or on the first `count` of them. */
  setState(state: 'busy' | 'idle', which: number | string[]): string[] {
    const names = typeof which === 'number' ? [...this.registry.runners.keys()].slice(0, which) : which;
    for (const name of names) {
      const runner = this.registry.runners.get(name);
      if (!runner) throw new Error(`no runner named ${name}`);
      runner.busy = state === 'busy';
    }
    return names;
  }

  /** The runner's job ends: a just-in-time runner deregisters and its VM powers off. */
  finishJob(name: string): void {
    this.registry.runners.delete(name);
    for (const server of this.compute.servers.values()) if (server.name === name) server.status = 'SHUTOFF';
  }

  callsOf(kind: FleetCall['kind']): FleetCall[] {
    return this.calls.filter((call) => call.kind === kind);
  }
}

/** A fake cloud per flavor, and one fleet that sends each request to its flavor's cloud. */
export class FakeClouds {
  private readonly clouds = new Map<string, FakeCloud>();

  of(flavor: string): FakeCloud {
    let cloud = this.clouds.get(flavor);
    if (!cloud) this.clouds.set(flavor, (cloud = new FakeCloud(flavor)));
    return cloud;
  }

  readonly fleet: RunnerFleet = {
    createRunners: (request) => this.of(request.spec.flavor).fleet.createRunners(request),
    cleanupRunners: (request) => this.of(request.spec.flavor).fleet.cleanupRunners(request),
    deleteIdleRunners: (request) => this.of(request.spec.flavor).fleet.deleteIdleRunners(request),
    deleteBusyRunners: (request) => this.of(request.spec.flavor).fleet.deleteBusyRunners(request),
  };
}
