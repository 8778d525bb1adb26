import type { Compute, VmServer } from '../../activities/fleet/ports';
import { statusError } from '../../activities/openstack/http';
import type { OpenStackError } from '../../activities/openstack/errors';
import { ownsRunnerName } from '../../contracts/runner-names';

const NOVA = 'https://nova.fake/compute/v2.1';

/**
 * An in-memory Nova behind the fleet's Compute port. It fails the way the real client does: its errors
 * are the client's own (statusError over Nova's answer), so the fleet and the failure mapping see a
 * Nova refusal or outage as they would in production.
 */
export class FakeCompute implements Compute {
  readonly servers = new Map<string, VmServer>();
  /** How many more servers Nova accepts before it answers 403 quota exceeded; undefined = no quota. */
  capacity?: number;
  /** Every call answers 503, as Nova does behind a failing load balancer. */
  down = false;
  createDelayMs = 0;
  /** Each server list takes this long: a cleanup or a flush is under way meanwhile. */
  listDelayMs = 0;
  /** Told of each server made: the fake cloud boots its runner. */
  onCreated: (server: VmServer) => void = () => undefined;
  /** Told of each server deleted: its runner process goes with it. */
  onDeleted: (server: VmServer) => void = () => undefined;
  private nextId = 1;

  async createServer(request: Parameters<Compute['createServer']>[0]): Promise<{ id: string; name: string }> {
    this.failIfDown('POST', '/servers');
    if (this.createDelayMs) await new Promise((resolve) => setTimeout(resolve, this.createDelayMs));
    if (this.capacity !== undefined && this.capacity <= 0) {
      // Nova's answer when the project's instance quota is used up.
      throw this.error('POST', '/servers', 403, {
        forbidden: {
          code: 403,
          message: `Quota exceeded for instances: Requested 1, but already used ${this.servers.size}`,
        },
      });
    }
    if (this.capacity !== undefined) this.capacity -= 1;
    const server = this.add(request.name, request.metadata, novaTime(new Date()));
    this.onCreated(server);
    return { id: server.id, name: server.name };
  }

  /** A server as an earlier run (or another tool) left it. */
  add(name: string, metadata: Record<string, string>, created: string, status = 'ACTIVE'): VmServer {
    const server: VmServer = { id: `vm-${this.nextId++}`, name, status, created, metadata };
    this.servers.set(server.id, server);
    return server;
  }

  async listServers({ metadata, runnerNamePrefix }: Parameters<Compute['listServers']>[0]): Promise<VmServer[]> {
    this.failIfDown('GET', '/servers/detail');
    if (this.listDelayMs) await new Promise((resolve) => setTimeout(resolve, this.listDelayMs));
    const carries = (server: VmServer) =>
      Object.entries(metadata).every(([key, value]) => server.metadata[key] === value);
    return [...this.servers.values()]
      .filter((server) => carries(server) && (!runnerNamePrefix || ownsRunnerName(runnerNamePrefix, server.name)))
      .reverse();
  }

  async findServerByName(name: string): Promise<VmServer | undefined> {
    this.failIfDown('GET', '/servers/detail');
    return [...this.servers.values()].find((server) => server.name === name);
  }

  async deleteServer(id: string): Promise<'deleted' | 'gone'> {
    this.failIfDown('DELETE', `/servers/${id}`);
    const server = this.servers.get(id);
    if (!server) return 'gone';
    this.servers.delete(id);
    this.onDeleted(server);
    return 'deleted';
  }

  private failIfDown(method: 'GET' | 'POST' | 'DELETE', path: string): void {
    if (this.down) throw this.error(method, path, 503, { message: 'cloud unavailable' });
  }

  private error(method: 'GET' | 'POST' | 'DELETE', path: string, status: number, body: unknown): OpenStackError {
    return statusError({ method, url: `${NOVA}${path}` }, { status, headers: {}, body });
  }
}

/** Nova's created times have whole seconds. */
export const novaTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
