/**
 * A stand-in for the guest end of the console protocol, for unit tests of Shell: it answers
 * requests the way guest-image/tools/vsagent.c does (no echo, whole lines, Ctrl-C interrupts the
 * running command, which is answered with status 130), in pseudo-random chunks.
 */
import { encodeFrame, type Frame } from '../../harness/console/protocol.ts';
import type { ConsoleStream } from '../../harness/machine/machine.ts';

/** What the agent makes of an escaped command: \0ooo is one byte. */
function unescapeCommand(text: string): string {
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
  /** Frames to damage with a kernel message in the middle of their first base64 line. */
  corruptNext = 0;
  private last: Frame = { exitCode: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  /** The nonce of the command that hangs, until Ctrl-C. */
  private hung: string | undefined;
  quit = false;
  /** Receive uploads without acknowledging them (a guest that stopped reading). */
  stallUploads = false;

  constructor(
    private readonly behaviour: Behaviour,
    private readonly seed = 1,
  ) {}

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
    if (text.includes('\x03')) this.interrupt();
    this.pending += text.replace(/\x03/g, '');
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + 1);
      this.line(line);
    }
  }

  /** Ctrl-C: the hung command dies of SIGINT; an upload in progress is abandoned. */
  private interrupt(): void {
    if (this.hung !== undefined) {
      this.answer(this.hung, { exitCode: 130, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) });
      this.hung = undefined;
    }
    if (this.upload !== undefined) {
      this.emit(`\nVSLAB{${this.upload.nonce}:end:1}\n`);
      this.upload = undefined;
    }
  }

  private answer(nonce: string, frame: Frame): void {
    let text = encodeFrame(nonce, frame);
    if (this.corruptNext > 0) {
      this.corruptNext--;
      const i = text.indexOf(':out:');
      const j = text.indexOf('\n', text.indexOf('\n', i) + 1) - 5;
      if (j > 0) text = `${text.slice(0, j)}[ 3.1] kernel says hi\n${text.slice(j)}`;
    }
    this.emit(text);
  }

  private line(line: string): void {
    if (this.upload !== undefined) {
      const u = this.upload;
      if (line === '.') {
        const data = Buffer.from(u.lines.join(''), 'base64');
        this.files.set(u.path, data);
        this.upload = undefined;
        this.emit(`\nVSLAB{${u.nonce}:end:${data.length === u.size ? 0 : 1}}\n`);
        return;
      }
      if (this.stallUploads) return;
      u.lines.push(line);
      if (u.lines.length % 32 === 0) this.emit(`VSLAB{${u.nonce}:ack:${u.lines.length}}\n`);
      return;
    }
    if (this.hung !== undefined || this.quit) return; // nobody reads the console now
    const [verb, nonce = '', arg = '', size = ''] = line.split(' ');
    if (verb === 'vsxr') {
      this.upload = { nonce, path: arg, size: Number(size), lines: [] };
      this.emit(`\nVSLAB{${nonce}:ready:0}\n`);
      return;
    }
    if (verb !== 'vsx') return;
    if (nonce === '-q') {
      this.quit = true;
      return;
    }
    if (nonce === '-r') {
      this.answer(arg, this.last);
      return;
    }
    const command = arg.startsWith('@') ? (this.files.get(arg.slice(1))?.toString('utf8') ?? '') : unescapeCommand(arg);
    this.commands.push(command);
    const b = typeof this.behaviour === 'function' ? this.behaviour(command) : this.behaviour;
    if (b === 'hang') {
      this.hung = nonce;
      return;
    }
    this.last = b;
    this.answer(nonce, b);
  }
}
