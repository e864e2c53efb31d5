/**
 * A minimal QMP client (QEMU's JSON machine protocol) on a unix socket: the greeting, capability
 * negotiation, then one command at a time. Events that arrive between answers are skipped. Used
 * only to save a machine's state (harness/machine/snapshot.ts).
 */
import { createConnection, type Socket } from 'node:net';
import { MachineExitedError } from '../errors.ts';

type Json = Record<string, unknown>;

export class QmpClient {
  private buf = '';
  private lines: Json[] = [];
  private wake: (() => void) | undefined;
  private closed: Error | undefined;

  private constructor(private readonly sock: Socket) {
    sock.setEncoding('utf8');
    sock.on('data', (text: string) => {
      this.buf += text;
      for (let nl = this.buf.indexOf('\n'); nl >= 0; nl = this.buf.indexOf('\n')) {
        const line = this.buf.slice(0, nl).trim();
        this.buf = this.buf.slice(nl + 1);
        if (line !== '') this.lines.push(JSON.parse(line) as Json);
      }
      this.wake?.();
    });
    const end = (err?: Error): void => {
      this.closed ??= err ?? new MachineExitedError('QMP connection closed', '');
      this.wake?.();
    };
    sock.on('error', end);
    sock.on('close', () => end());
  }

  /** Connects to QEMU's `-qmp unix:PATH,server=on,wait=off` and leaves capability negotiation. */
  static async connect(path: string, timeoutMs: number): Promise<QmpClient> {
    const sock = await new Promise<Socket>((resolve, reject) => {
      const s = createConnection(path);
      s.once('connect', () => resolve(s));
      s.once('error', reject);
    });
    const c = new QmpClient(sock);
    const greeting = await c.next(timeoutMs);
    if (!('QMP' in greeting)) throw new Error(`QMP: unexpected greeting ${JSON.stringify(greeting)}`);
    await c.execute('qmp_capabilities', undefined, timeoutMs);
    return c;
  }

  private async next(timeoutMs: number): Promise<Json> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const l = this.lines.shift();
      if (l !== undefined) return l;
      if (this.closed !== undefined) throw this.closed;
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`QMP: no answer within ${timeoutMs} ms`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
      this.wake = undefined;
    }
  }

  /** Runs one command; resolves with its "return" value, rejects with its "error". */
  async execute(command: string, args: Json | undefined, timeoutMs: number): Promise<unknown> {
    this.sock.write(`${JSON.stringify(args === undefined ? { execute: command } : { execute: command, arguments: args })}\n`);
    for (;;) {
      const m = await this.next(timeoutMs);
      if ('return' in m) return m['return'];
      if ('error' in m) {
        const e = m['error'] as { class?: string; desc?: string };
        throw new Error(`QMP ${command}: ${e.class ?? 'error'}: ${e.desc ?? JSON.stringify(e)}`);
      }
      // an event: skip
    }
  }

  close(): void {
    this.sock.destroy();
  }
}
