/**
 * Boots servers after a delay, in creation order: a FIFO queue with one timer for its head copes with any
 * number of servers. The delay can change (slow boots); a server made after it shortened still boots no
 * earlier than the servers made before it, as a hypervisor's boot queue would have it.
 */
export class BootQueue {
  #queue: { id: string; dueAt: number }[] = [];
  #head = 0;
  #timer?: NodeJS.Timeout;

  constructor(
    public delayMs: number,
    private readonly boot: (id: string) => void,
  ) {}

  add(id: string): void {
    this.#queue.push({ id, dueAt: Date.now() + this.delayMs });
    if (!this.#timer) this.#arm();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    const next = this.#queue[this.#head];
    this.#timer = next ? setTimeout(() => this.#fire(), Math.max(0, next.dueAt - Date.now())) : undefined;
  }

  #fire(): void {
    const now = Date.now();
    while (this.#head < this.#queue.length && this.#queue[this.#head].dueAt <= now) {
      this.boot(this.#queue[this.#head].id);
      this.#head += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#arm();
  }
}
