/** What worker/main.ts runs: the configured worker or the embedded default. */
export interface App {
  /** Starts everything; `fail` reports a fatal error that happens after start (the worker or the server died). */
  start(fail: (err: unknown) => void): Promise<void>;
  /** Stops whatever has started, at any time, even halfway through start. */
  stop(): Promise<void>;
  /** The last resort when stop hangs: kills the child processes this process started. */
  kill(): void;
}

/** A start-up refusal the operator can fix (a bad configuration or option): printed as it is, exit 1. */
export class StartupError extends Error {}
