/** Lines longer than this are skipped: a pressure line is a few dozen bytes. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;

/**
 * Incremental NDJSON line splitter: feed it body chunks in arrival order, get back the lines they
 * complete. It works on bytes, not text, so a chunk boundary inside a multi-byte UTF-8 character is
 * harmless (a newline byte never occurs inside one); each line is decoded once it is whole.
 *
 * Returned lines have their CR (of CRLF) removed; blank lines are returned as '' so a caller can treat
 * them as a sign of life. A line over `maxLineBytes` is not returned but counted in `tooLong`, and its
 * bytes are dropped as they arrive until its newline: memory stays bounded by the cap whatever the
 * peer sends.
 */
export class NdjsonSplitter {
  /** Lines skipped for exceeding the cap, counted when the cap is crossed (before their newline arrives). */
  tooLong = 0;
  private readonly maxLineBytes: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  constructor(options: { maxLineBytes?: number } = {}) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  push(chunk: string | Uint8Array): string[] {
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: string[] = [];
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE, start); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
      const line = this.complete(bytes.subarray(start, end));
      if (line !== undefined) lines.push(line);
      start = end + 1;
    }
    this.hold(bytes.subarray(start));
    return lines;
  }

  /** The last line when the stream ended without a final newline; undefined when there is none. */
  end(): string | undefined {
    const line = this.discarding || this.pendingBytes === 0 ? undefined : this.complete(Buffer.alloc(0));
    this.reset();
    return line;
  }

  private complete(tail: Buffer): string | undefined {
    if (this.discarding) {
      this.reset();
      return undefined;
    }
    if (this.pendingBytes + tail.length > this.maxLineBytes) {
      this.tooLong += 1;
      this.reset();
      return undefined;
    }
    const whole = this.pendingBytes === 0 ? tail : Buffer.concat([...this.pending, tail]);
    this.reset();
    const text = whole.toString('utf8');
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }

  /** Keeps the start of an unfinished line, or starts discarding once it is over the cap. */
  private hold(rest: Buffer): void {
    if (rest.length === 0 || this.discarding) return;
    if (this.pendingBytes + rest.length > this.maxLineBytes) {
      this.tooLong += 1;
      this.reset();
      this.discarding = true;
      return;
    }
    // Copy: the caller may reuse the chunk's memory once push returns.
    this.pending.push(Buffer.from(rest));
    this.pendingBytes += rest.length;
  }

  private reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.discarding = false;
  }
}
