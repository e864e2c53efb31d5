/**
 * A stand-in for the guest end of the console protocol, for unit tests of Shell: it echoes what
 * is typed (as busybox's line editor does), prints prompts with the cursor-position query, and
 * answers vsx/vsxr requests the way guest-image/rootfs/bin/vsx and vsxr do, in random chunks.
 */
import { encodeFrame, type Frame } from '../../harness/console/protocol.ts';
import type { ConsoleStream } from '../../harness/console/shell.ts';

/** What the guest's `printf '%b'` makes of a quoted request argument. */
function unescapePrintf(quoted: string): string {
  const text = quoted.replace(/^'|'$/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const m = /^\\0([0-7]{3})/.exec(text.slice(i));
    if (m?.[1] !== undefined) {
      bytes.push(parseInt(m[1], 8));
      i += m[0].length - 1;
    } else bytes.push(text.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

export type Behaviour = Frame | 'hang' | ((command: string) => Frame | 'hang');

export class FakeGuest implements ConsoleStream {
  private listeners = new Set<(c: Uint8Array) => void>();
  private pending = '';
  private upload: { nonce: string; path: string; size: number; lines: string[] } | undefined;
  readonly files = new Map<string, Buffer>();
  readonly commands: string[] = [];
  /** Text to inject into the next frame's first base64 line (simulating a mid-line kernel message). */
  corruptNext = 0;
  private lastFrames = new Map<string, string>();
  hanging = false;

  constructor(private readonly behaviour: Behaviour, private readonly seed = 1) {}

  onData(listener: (c: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends text to the harness in pseudo-random chunk sizes. */
  emit(text: string): void {
    let s = this.seed;
    let i = 0;
    while (i < text.length) {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      const n = 1 + (s % 97);
      const chunk = Buffer.from(text.slice(i, i + n), 'latin1');
      for (const l of this.listeners) l(chunk);
      i += n;
    }
  }

  write(data: string | Uint8Array): void {
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
    if (text.includes('\x03') && this.hanging) {
      this.hanging = false;
      this.emit('^C\nvslab:/# \x1b[6n');
    }
    this.pending += text.replace(/\x03/g, '');
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (this.upload !== undefined) {
      const u = this.upload;
      if (line === '.') {
        const data = Buffer.from(u.lines.join(''), 'base64');
        this.files.set(u.path, data);
        this.upload = undefined;
        this.emit(`\nVSLAB{${u.nonce}:end:${data.length === u.size ? 0 : 1}}\nvslab:/# `);
        return;
      }
      u.lines.push(line);
      if (u.lines.length % 32 === 0) this.emit(`VSLAB{${u.nonce}:ack:${u.lines.length}}\n`);
      return;
    }
    if (this.hanging) return;
    this.emit(`${line}\r\n`); // echo
    const parts = line.trim().split(' ');
    if (parts[0] === 'vsxr') {
      this.upload = { nonce: parts[1] ?? '', path: parts[2] ?? '', size: Number(parts[3]), lines: [] };
      this.emit(`\nVSLAB{${parts[1] ?? ''}:ready:0}\n`);
      return;
    }
    if (parts[0] !== 'vsx') {
      this.emit('vslab:/# \x1b[6n');
      return;
    }
    if (parts[1] === '-r') {
      this.emit(this.lastFrames.get(parts[2] ?? '') ?? '');
      return;
    }
    const nonce = parts[1] ?? '';
    const arg = parts[2] ?? '';
    const command = arg.startsWith('@') ? (this.files.get(arg.slice(1))?.toString('utf8') ?? '') : unescapePrintf(arg);
    this.commands.push(command);
    const b = typeof this.behaviour === 'function' ? this.behaviour(command) : this.behaviour;
    if (b === 'hang') {
      this.hanging = true;
      return;
    }
    let text = encodeFrame(nonce, b);
    this.lastFrames.set(nonce, text);
    if (this.corruptNext > 0) {
      this.corruptNext--;
      const i = text.indexOf(':out:');
      const j = text.indexOf('\n', text.indexOf('\n', i) + 1) - 5;
      if (j > 0) text = `${text.slice(0, j)}[ 3.1] kernel says hi\n${text.slice(j)}`;
    }
    this.emit(`${text}vslab:/# \x1b[6n`);
  }
}
