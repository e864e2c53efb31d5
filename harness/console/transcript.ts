/**
 * Keeps the last bytes a console printed, so that errors can show what the guest said.
 */
export class Transcript {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly limitBytes = 64 * 1024) {}

  push(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.limitBytes && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }

  /** The last `lines` lines, with control characters other than newline and tab made visible. */
  tail(lines = 40): string {
    const text = this.chunks.join('');
    return text
      .split(/\r?\n/)
      .slice(-lines)
      .map((l) => l.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => (c === '\r' ? '' : `^${String.fromCharCode(c.charCodeAt(0) + 64)}`)))
      .join('\n');
  }
}
