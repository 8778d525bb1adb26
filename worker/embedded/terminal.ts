/**
 * Output of the embedded default. On a terminal, lines that stay (header, notes, warnings) scroll as
 * usual and a live area below them is redrawn in place with plain ANSI: cursor up, clear to the end.
 * Elsewhere (a pipe, a file) the live area becomes one status line per refresh.
 */
export class LiveTerminal {
  private live: string[] = [];
  /** Screen rows the live area took when drawn, wrapped lines counted. */
  private liveRows = 0;
  private frozen = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  get interactive(): boolean {
    return Boolean(this.out.isTTY);
  }

  /** Lines that stay: above the live area on a terminal. */
  print(...lines: string[]): void {
    this.out.write(this.eraseLive() + lines.map((line) => `${line}\n`).join('') + this.drawLive());
  }

  /** Replaces the live area (on a terminal); prints it as it is otherwise. */
  update(lines: string[]): void {
    if (this.frozen) return;
    if (!this.interactive) {
      this.out.write(lines.map((line) => `${line}\n`).join(''));
      return;
    }
    const erase = this.eraseLive();
    this.live = lines;
    this.out.write(erase + this.drawLive());
  }

  /** Leaves the live area on screen as it is and ignores later updates; later lines go below it. */
  freeze(): void {
    this.frozen = true;
    this.live = [];
    this.liveRows = 0;
  }

  private eraseLive(): string {
    if (this.liveRows === 0) return '';
    const rows = this.liveRows;
    this.liveRows = 0;
    return `\x1b[${rows}F\x1b[J`;
  }

  private drawLive(): string {
    if (!this.interactive || this.live.length === 0) return '';
    const columns = this.out.columns || 80;
    this.liveRows = this.live.reduce((rows, line) => rows + Math.max(1, Math.ceil(line.length / columns)), 0);
    return this.live.map((line) => `${line}\x1b[K\n`).join('');
  }
}
