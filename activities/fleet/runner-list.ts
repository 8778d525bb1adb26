import type { RegisteredRunner, RunnerRegistry } from './ports';

/** The scope's registrations as one list call saw them, and when that call began (ms). */
export interface RunnerListSnapshot {
  listedAt: number;
  runners: RegisteredRunner[];
}

interface Flight {
  startedAt: number;
  snapshot: Promise<RunnerListSnapshot>;
  settled: boolean;
}

/**
 * The GitHub scope's runner list, shared by every flavor on the worker. GitHub cannot filter runners by
 * label or name prefix, so each flavor listing on its own would read the whole scope, ⌈R/100⌉ pages,
 * F times per cleanup interval. Here a caller says how old a list it accepts: the latest list serves
 * it while young enough, and otherwise a new one is read; one list is in flight at a time, and callers
 * that need a younger one than the one in flight share the next. A runner this worker deregistered is
 * left out of any list that began before the delete (write-through), so that a later tick does not
 * find it again. Staleness is the tick's to handle: see `joinFleet` (a VM newer than the list is not
 * judged by it).
 */
export class SharedRunnerList {
  readonly #registry: Pick<RunnerRegistry, 'listRunners'>;
  readonly #now: () => number;
  #latest?: Flight;
  #next?: Promise<RunnerListSnapshot>;
  /** Registrations this worker deleted, and when: ids are never reused. */
  readonly #deleted = new Map<number, number>();

  constructor(registry: Pick<RunnerRegistry, 'listRunners'>, now: () => number = Date.now) {
    this.#registry = registry;
    this.#now = now;
  }

  /** A list begun at most `maxAgeMs` ago (0: one begun after this call). */
  async get(maxAgeMs: number): Promise<RunnerListSnapshot> {
    const notBefore = this.#now() - maxAgeMs;
    const latest = this.#latest;
    let snapshot: Promise<RunnerListSnapshot>;
    if (latest && (maxAgeMs > 0 ? latest.startedAt >= notBefore : latest.startedAt > notBefore)) {
      snapshot = latest.snapshot;
    } else if (latest && !latest.settled) {
      this.#next ??= latest.snapshot
        .catch(() => undefined)
        .then(() => {
          this.#next = undefined;
          return this.#start().snapshot;
        });
      snapshot = this.#next;
    } else {
      snapshot = this.#start().snapshot;
    }
    const { listedAt, runners } = await snapshot;
    return { listedAt, runners: runners.filter((runner) => !this.#deletedSince(runner.id, listedAt)) };
  }

  /** This worker deleted the registration (or found it gone): lists begun before now no longer show it. */
  forget(id: number): void {
    this.#deleted.set(id, this.#now());
  }

  #deletedSince(id: number, listedAt: number): boolean {
    const at = this.#deleted.get(id);
    return at !== undefined && at >= listedAt;
  }

  #start(): Flight {
    const startedAt = this.#now();
    const flight: Flight = {
      startedAt,
      settled: false,
      snapshot: this.#registry.listRunners().then((runners) => ({ listedAt: startedAt, runners })),
    };
    flight.snapshot.then(
      () => {
        flight.settled = true;
        // A delete before this list began cannot be in it: its record is no longer needed.
        for (const [id, at] of this.#deleted) if (at < startedAt) this.#deleted.delete(id);
      },
      () => {
        flight.settled = true;
        if (this.#latest === flight) this.#latest = undefined;
      },
    );
    this.#latest = flight;
    return flight;
  }
}

/** The registry with each delete this worker makes written through to the shared list. */
export function forgettingDeletes(registry: RunnerRegistry, list: SharedRunnerList): RunnerRegistry {
  return {
    generateJitConfig: (request) => registry.generateJitConfig(request),
    listRunners: (filter) => registry.listRunners(filter),
    findRunner: (name) => registry.findRunner(name),
    async deleteRunner(id) {
      const outcome = await registry.deleteRunner(id);
      if (outcome !== 'busy') list.forget(id);
      return outcome;
    },
  };
}
