import { BootQueue } from './boot-queue';
import type { SimServer } from './types';

/** Nova's servers: the records, their creation order, the BUILD → ACTIVE schedule and status changes. */

/** What Nova's server views show beyond the public record. */
export interface ServerRecord extends SimServer {
  seq: number;
  updated: string;
  userId: string;
  /** 2.19+: as given, else null; before 2.19 Nova stores the name. */
  description: string | null;
  /** 2.52+ at create. */
  tags: string[];
  /** The zone asked for at create (shown as pinned_availability_zone), else null. */
  requestedZone: string | null;
  /** The guest's hostname: as given (2.90+), else Nova's sanitize_hostname(name). */
  hostname: string;
  /** Nova's microsecond time (`2026-01-02T03:04:05.000000`) of the first boot. */
  launchedAt?: string;
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The naive datetime Nova prints for launched_at: microseconds, no zone. */
function isoMicroseconds(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000');
}

/** A copy of a record as the simulator's API shows it. */
export function publicView(r: ServerRecord): SimServer {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    metadata: { ...r.metadata },
    ...(r.userData !== undefined && { userData: r.userData }),
    imageId: r.imageId,
    flavorId: r.flavorId,
    networkIds: [...r.networkIds],
    ...(r.keyName !== undefined && { keyName: r.keyName }),
    securityGroups: [...r.securityGroups],
    created: r.created,
    projectId: r.projectId,
    ...(r.fault !== undefined && { fault: r.fault }),
  };
}

export class ServerStore {
  readonly #records = new Map<string, ServerRecord>();
  /** The creation sequence of every server ever made, deleted ones too: a page marker may name a deleted server. */
  readonly #sequenceOf = new Map<string, number>();
  #nextSeq = 1;
  readonly #activeListeners = new Set<(server: SimServer) => void>();
  readonly #deletedListeners = new Set<(server: SimServer) => void>();
  readonly #boots: BootQueue;

  constructor(bootDelayMs: number) {
    this.#boots = new BootQueue(bootDelayMs, (id) => {
      const record = this.#records.get(id);
      if (record?.status === 'BUILD') this.changeStatus(record, 'ACTIVE');
    });
  }

  /** Stores a new server (in BUILD), numbered in creation order, and schedules its boot. */
  add(fields: Omit<ServerRecord, 'seq'>): ServerRecord {
    const record: ServerRecord = { ...fields, seq: this.#nextSeq++ };
    this.#records.set(record.id, record);
    this.#sequenceOf.set(record.id, record.seq);
    this.#boots.add(record.id);
    return record;
  }

  get(id: string): ServerRecord | undefined {
    return this.#records.get(id);
  }

  delete(id: string): void {
    const record = this.#records.get(id);
    this.#records.delete(id);
    if (record) for (const listener of this.#deletedListeners) listener(publicView(record));
  }

  /** The servers there are, oldest first. */
  records(): ServerRecord[] {
    return [...this.#records.values()];
  }

  /** The creation sequence number of a server, deleted or not. */
  sequenceOf(id: string): number | undefined {
    return this.#sequenceOf.get(id);
  }

  list(): SimServer[] {
    return this.records().map(publicView);
  }

  changeStatus(record: ServerRecord, status: string, fault?: string): void {
    const wasActive = record.status === 'ACTIVE';
    record.status = status;
    record.updated = isoSeconds(Date.now());
    record.fault = status === 'ERROR' ? (fault ?? 'simulated failure') : undefined;
    if (status === 'ACTIVE') record.launchedAt ??= isoMicroseconds(Date.now());
    if (status === 'ACTIVE' && !wasActive) {
      for (const listener of this.#activeListeners) {
        try {
          listener(publicView(record));
        } catch (err) {
          console.error('onServerActive listener failed:', err);
        }
      }
    }
  }

  /** Called as a server turns ACTIVE; returns an unsubscribe function. */
  onActive(callback: (server: SimServer) => void): () => void {
    this.#activeListeners.add(callback);
    return () => this.#activeListeners.delete(callback);
  }

  /** Called as a server is deleted; returns an unsubscribe function. */
  onDeleted(callback: (server: SimServer) => void): () => void {
    this.#deletedListeners.add(callback);
    return () => this.#deletedListeners.delete(callback);
  }

  /** BUILD → ACTIVE takes this long for servers made from now on. */
  setBootDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`a boot delay must be a non-negative number of ms, not ${ms}`);
    this.#boots.delayMs = ms;
  }

  /** No more boots: the simulator is closing. */
  stop(): void {
    this.#boots.stop();
  }
}
