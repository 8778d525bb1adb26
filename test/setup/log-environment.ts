import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { LogCapture, shareCapture, type Level } from '../support/log-capture';

/**
 * Jest's node environment with a log capture per test file: the SDK's logger (test/support/sdk-logger.ts)
 * and the console write into it, and only a failed test (or hook) prints what it logged, on stderr, before
 * Jest's report of the failure. A green run prints nothing of it.
 */
export default class LogCapturingEnvironment extends TestEnvironment {
  private readonly capture = new LogCapture((text) => process.stderr.write(text));

  override async setup(): Promise<void> {
    await super.setup();
    shareCapture(this.global, this.capture);
    // Jest's own console prints every call with its stack; this one keeps each call for the report.
    this.global.console = new Console({ stdout: into(this.capture, 'INFO'), stderr: into(this.capture, 'WARN') });
  }

  async handleTestEvent(event: Circus.Event): Promise<void> {
    if (event.name === 'test_start') {
      this.capture.begin(nameOf(event.test));
    } else if (event.name === 'test_done') {
      if (event.test.errors.length > 0) await this.report(nameOf(event.test));
      else this.capture.take();
    } else if (event.name === 'hook_failure') {
      await this.report(`${event.hook.type} of ${nameOf(event.hook.parent)}`);
    }
  }

  private async report(what: string): Promise<void> {
    // The SDK sorts forwarded logs in a 100 ms buffer: let the failure's last entries arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const report = this.capture.report(what);
    if (report) process.stderr.write(report);
  }
}

function into(capture: LogCapture, level: Level): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      capture.record({ level, message: chunk.toString().trimEnd(), source: 'console', atMs: Date.now() });
      done();
    },
  });
}

function nameOf(block: Circus.TestEntry | Circus.DescribeBlock): string {
  const names: string[] = [];
  for (let at: Circus.TestEntry | Circus.DescribeBlock | undefined = block; at?.parent; at = at.parent) {
    names.unshift(at.name);
  }
  return names.join(' › ') || 'the file';
}
