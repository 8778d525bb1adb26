import type {
  CleanupRunnersResult,
  CreateRunnersRequest,
  CreateRunnersResult,
  DeleteBusyRunnersRequest,
  DeleteBusyRunnersResult,
  DeleteIdleRunnersRequest,
  DeleteIdleRunnersResult,
  RunnerState,
} from '../../contracts/activities';
import type { RunnerFleet } from '../../activities';

/**
 * An in-memory fleet for workflow tests (the real one joins OpenStack and GitHub): runners appear idle
 * when created, tests make them busy or stale, and every call is recorded.
 */
export class FakeFleet implements RunnerFleet {
  readonly runners = new Map<string, { state: RunnerState; createdAt: string; stale?: string }>();
  readonly calls: { kind: 'create' | 'cleanup' | 'delete'; count: number; at: number }[] = [];
  /** How many more runners creation may make; undefined = no limit. */
  capacity?: number;
  createDelayMs = 0;
  failCleanup = false;
  private clock = 0;

  async createRunners({ names }: CreateRunnersRequest): Promise<CreateRunnersResult> {
    this.calls.push({ kind: 'create', count: names.length, at: Date.now() });
    if (this.createDelayMs) await new Promise((resolve) => setTimeout(resolve, this.createDelayMs));
    const result: CreateRunnersResult = { created: [], failed: [] };
    for (const name of names) {
      if (this.runners.has(name)) {
        result.created.push(name);
      } else if (this.capacity !== undefined && this.capacity <= 0) {
        result.failed.push({ name, reason: 'no capacity' });
      } else {
        if (this.capacity !== undefined) this.capacity -= 1;
        this.runners.set(name, { state: 'idle', createdAt: new Date(1_700_000_000_000 + this.clock++).toISOString() });
        result.created.push(name);
      }
    }
    return result;
  }

  async cleanupRunners(): Promise<CleanupRunnersResult> {
    this.calls.push({ kind: 'cleanup', count: 0, at: Date.now() });
    if (this.failCleanup) throw new Error('cloud unavailable');
    const removed: CleanupRunnersResult['removed'] = [];
    for (const [name, runner] of this.runners) {
      if (runner.stale) {
        this.runners.delete(name);
        removed.push({ name, reason: 'boot_timeout', detail: runner.stale });
      }
    }
    const runners = [...this.runners].map(([name, runner]) => ({
      name,
      state: runner.state,
      createdAt: runner.createdAt,
    }));
    return { removed, runners };
  }

  async deleteIdleRunners({ candidates, count }: DeleteIdleRunnersRequest): Promise<DeleteIdleRunnersResult> {
    this.calls.push({ kind: 'delete', count, at: Date.now() });
    const result: DeleteIdleRunnersResult = { deleted: [], keptBusy: [] };
    for (const { name } of candidates) {
      if (result.deleted.length >= count) break;
      const runner = this.runners.get(name);
      if (!runner) continue;
      if (runner.state === 'busy') {
        result.keptBusy.push(name);
        continue;
      }
      this.runners.delete(name);
      result.deleted.push(name);
    }
    return result;
  }

  async deleteBusyRunners({ candidates }: DeleteBusyRunnersRequest): Promise<DeleteBusyRunnersResult> {
    this.calls.push({ kind: 'delete', count: candidates.length, at: Date.now() });
    const deleted = candidates.map(({ name }) => name).filter((name) => this.runners.delete(name));
    return { deleted };
  }

  setState(state: RunnerState, count: number): string[] {
    const names = [...this.runners.keys()].slice(0, count);
    for (const name of names) this.runners.get(name)!.state = state;
    return names;
  }

  callsOf(kind: 'create' | 'cleanup' | 'delete') {
    return this.calls.filter((call) => call.kind === kind);
  }
}
