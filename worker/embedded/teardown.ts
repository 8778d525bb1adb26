/**
 * What has started, stopped in reverse order. A step added once stopping has begun (something that
 * finished starting late) is stopped at once, so nothing outlives the stop. A failing step is reported
 * and the others still run.
 */
export class Teardown {
  private readonly steps: { what: string; stop: () => Promise<void> | void }[] = [];
  private stopping = false;

  constructor(private readonly report: (line: string) => void) {}

  add(what: string, stop: () => Promise<void> | void): void {
    if (this.stopping) void this.runStep({ what, stop });
    else this.steps.push({ what, stop });
  }

  async run(): Promise<void> {
    this.stopping = true;
    if (this.steps.length > 0) this.report('\nStopping…');
    let failed = 0;
    for (const step of this.steps.reverse()) if (!(await this.runStep(step))) failed += 1;
    if (failed > 0) throw new Error(`${failed} part(s) did not stop cleanly`);
  }

  private async runStep({ what, stop }: { what: string; stop: () => Promise<void> | void }): Promise<boolean> {
    try {
      await stop();
      this.report(`stopped ${what}`);
      return true;
    } catch (err) {
      this.report(`stopping ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }
}
