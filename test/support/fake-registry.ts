import type { RegisteredRunner, RunnerRegistry } from '../../activities/fleet/ports';
import { RunnerNameTaken } from '../../activities/github/errors';
import { gitHubError } from './github-error';

const GITHUB = 'https://api.github.fake/orgs/acme/actions/runners';

/**
 * In-memory GitHub runner registrations behind the fleet's RunnerRegistry port. Its errors are the real
 * client's (test/support/github-error.ts, RunnerNameTaken on a name taken), and a busy
 * runner refuses deletion as GitHub's 422 does.
 */
export class FakeRegistry implements RunnerRegistry {
  readonly runners = new Map<string, RegisteredRunner>();
  /** When set, GitHub answers every call with this status (401 for a revoked token, 503 for an outage). */
  failWith?: number;
  private nextId = 1;

  async generateJitConfig({ name, labels }: { name: string; labels: string[] }) {
    this.failIfRefused('POST', `${GITHUB}/generate-jitconfig`, 'generate JIT config');
    if (this.runners.has(name)) throw new RunnerNameTaken(name);
    const runner = this.add(name, labels);
    return { runnerId: runner.id, encodedJitConfig: Buffer.from(JSON.stringify({ name })).toString('base64') };
  }

  /** A registration as an earlier run left it; offline until its VM boots. */
  add(name: string, labels: string[] = []): RegisteredRunner {
    const runner: RegisteredRunner = { id: this.nextId++, name, status: 'offline', busy: false, labels };
    this.runners.set(name, runner);
    return runner;
  }

  async listRunners(filter: (name: string) => boolean = () => true): Promise<RegisteredRunner[]> {
    this.failIfRefused('GET', GITHUB, 'list runners');
    return [...this.runners.values()].filter((runner) => filter(runner.name)).map((runner) => ({ ...runner }));
  }

  async findRunner(name: string): Promise<RegisteredRunner | undefined> {
    this.failIfRefused('GET', GITHUB, `find runner "${name}"`);
    const runner = this.runners.get(name);
    return runner && { ...runner };
  }

  async deleteRunner(id: number): Promise<'deleted' | 'gone' | 'busy'> {
    this.failIfRefused('DELETE', `${GITHUB}/${id}`, `delete runner ${id}`);
    const runner = [...this.runners.values()].find((candidate) => candidate.id === id);
    if (!runner) return 'gone';
    if (runner.busy) return 'busy';
    this.runners.delete(runner.name);
    return 'deleted';
  }

  private failIfRefused(method: string, url: string, operation: string): void {
    if (this.failWith !== undefined) throw gitHubError(this.failWith, method, url, operation);
  }
}
