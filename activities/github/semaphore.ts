/**
 * A counting semaphore, first come first served. A free slot is taken without waiting for a timer:
 * Bottleneck, which the octokit plugins used before, yields to the event loop (setTimeout 0) several
 * times per job, and that cost each GitHub request 10 to 40 ms on a busy machine. It limits; it does
 * not schedule.
 */
export class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(slots: number) {
    this.#free = slots;
  }

  /** Slots free now, less the tasks waiting for one: 0 or less when the next would wait. */
  get room(): number {
    return this.#free - this.#waiting.length;
  }

  /** Resolves with the function that gives the slot back (call it once). */
  async acquire(): Promise<() => void> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    };
  }

  /** Runs `task` in a slot, which is held until `task` settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }
}
