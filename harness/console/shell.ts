/**
 * Shell: runs commands on the guest through its console agent and the framed protocol
 * (protocol.ts) and moves files in. It sits on any byte stream (a Machine's console, or a
 * recorded stream in unit tests) and never knows which emulator is behind it.
 *
 * One operation at a time: calls queue in order. A fault reported through `fail()` (the
 * splat detector's KernelSplatError, the emulator's exit) rejects the pending operation and every
 * later one.
 */
import { CommandFailedError, CommandTimeoutError, ProtocolError, UsageError, type VslabError } from '../errors.ts';
import {
  fileRequestLine,
  makeNonce,
  READY_MARKER,
  requestLine,
  resendLine,
  scanFrame,
  scanUploadEnd,
  UPLOAD_END_LINE,
  uploadAckMarker,
  uploadReadyMarker,
  uploadRequestLine,
  uploadWindows,
  type Frame,
} from './protocol.ts';
import { Transcript } from './transcript.ts';
import type { ConsoleStream } from '../machine/machine.ts';

export interface RunOptions {
  /** Deadline for the command, ms (default: the shell's commandTimeoutMs). */
  timeoutMs?: number;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Raw stdout bytes (stdout is their UTF-8 decoding). */
  stdoutBytes: Buffer;
  durationMs: number;
}

export interface ShellOptions {
  /** Default command deadline, ms (default 30000). */
  commandTimeoutMs?: number;
  /** Multiplies every deadline (slow emulators), default 1. */
  timeScale?: number;
}

const MAX_RESENDS = 3;

interface Waiter {
  test: () => boolean;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
  onTimeout: () => Error;
}

export class Shell {
  readonly transcript = new Transcript();
  private buf = '';
  private counter = 0;
  private fault: Error | undefined;
  private waiter: Waiter | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: () => void;
  private readonly commandTimeoutMs: number;
  readonly timeScale: number;

  constructor(
    private readonly stream: ConsoleStream,
    opts: ShellOptions = {},
  ) {
    this.commandTimeoutMs = opts.commandTimeoutMs ?? 30_000;
    this.timeScale = opts.timeScale ?? 1;
    this.unsubscribe = stream.onData((chunk) => this.receive(Buffer.from(chunk).toString('latin1')));
  }

  /** Stop reading the stream. */
  detach(): void {
    this.unsubscribe();
  }

  /** Rejects the pending operation and all later ones with `err`. */
  fail(err: Error): void {
    if (this.fault === undefined) this.fault = err;
    const w = this.waiter;
    if (w !== undefined) {
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  get failed(): Error | undefined {
    return this.fault;
  }

  /** Waits for the guest agent's ready marker. */
  async waitReady(timeoutMs: number, onTimeout: () => VslabError): Promise<void> {
    await this.waitFor(() => this.buf.includes(READY_MARKER), timeoutMs, onTimeout);
    this.buf = this.buf.slice(this.buf.indexOf(READY_MARKER) + READY_MARKER.length);
  }

  /** Runs `command` with sh in the guest; resolves with its status and output, never throws on a non-zero exit. */
  run(command: string, opts: RunOptions = {}): Promise<RunResult> {
    return this.serialize(() => this.runNow(command, opts));
  }

  /** Like run(), but throws CommandFailedError unless the command exits with status 0. */
  async succeed(command: string, opts: RunOptions = {}): Promise<RunResult> {
    const r = await this.run(command, opts);
    if (r.exitCode !== 0) throw new CommandFailedError(command, r.exitCode, r.stdout, r.stderr);
    return r;
  }

  /** Writes `data` to `guestPath` in the guest (parent directory must exist). */
  upload(data: Uint8Array, guestPath: string, opts: RunOptions = {}): Promise<void> {
    return this.serialize(() => this.uploadNow(Buffer.from(data), guestPath, opts));
  }

  private serialize<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private receive(text: string): void {
    this.transcript.push(text);
    this.buf += text;
    const w = this.waiter;
    if (w !== undefined && w.test()) {
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  private waitFor(test: () => boolean, timeoutMs: number, onTimeout: () => Error): Promise<void> {
    if (this.fault !== undefined) return Promise.reject(this.fault);
    if (test()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.waiter?.timer === timer) this.waiter = undefined;
        reject(onTimeout());
      }, timeoutMs * this.timeScale);
      this.waiter = { test, resolve, reject, timer, onTimeout };
    });
  }

  private nextNonce(): string {
    this.counter += 1;
    return makeNonce(this.counter);
  }

  private async runNow(command: string, opts: RunOptions): Promise<RunResult> {
    if (this.fault !== undefined) throw this.fault;
    const timeoutMs = opts.timeoutMs ?? this.commandTimeoutMs;
    const started = performance.now();
    const nonce = this.nextNonce();
    let line = requestLine(nonce, command);
    if (line === undefined) {
      const path = `/run/vsx-cmd-${nonce}`;
      await this.uploadNow(Buffer.from(command, 'utf8'), path, opts);
      line = fileRequestLine(nonce, path);
    }
    this.buf = '';
    this.stream.write(line);
    const frame = await this.awaitFrame(nonce, command, timeoutMs);
    const durationMs = performance.now() - started;
    return {
      exitCode: frame.exitCode,
      stdout: frame.stdout.toString('utf8'),
      stderr: frame.stderr.toString('utf8'),
      stdoutBytes: frame.stdout,
      durationMs,
    };
  }

  private async awaitFrame(nonce: string, command: string, timeoutMs: number): Promise<Frame> {
    for (let attempt = 0; ; attempt++) {
      let scan = scanFrame(this.buf, nonce);
      try {
        await this.waitFor(
          () => {
            scan = scanFrame(this.buf, nonce);
            return scan.state !== 'incomplete';
          },
          timeoutMs,
          () => new CommandTimeoutError(command, timeoutMs * this.timeScale, this.transcript.tail()),
        );
      } catch (err) {
        if (err instanceof CommandTimeoutError) await this.recover();
        throw err;
      }
      const s = scan;
      if (s.state === 'complete') {
        this.buf = this.buf.slice(s.consumed);
        return s.frame;
      }
      if (s.state === 'corrupt') {
        if (attempt >= MAX_RESENDS) throw new ProtocolError(`answer to ${nonce} stayed damaged after ${MAX_RESENDS} resends: ${s.reason}`);
        this.buf = this.buf.slice(s.consumed);
        this.stream.write(resendLine(nonce));
      }
    }
  }

  /**
   * After a timeout: interrupt the foreground job and check the shell answers again. If it does
   * not, the shell is marked failed so the owner can restart the machine.
   */
  private async recover(): Promise<void> {
    this.stream.write('\x03');
    const nonce = this.nextNonce();
    this.buf = '';
    this.stream.write(`\n${requestLine(nonce, 'true') ?? ''}`);
    try {
      await this.awaitFrameQuiet(nonce, 10_000);
    } catch (err) {
      this.fail(new ProtocolError('shell did not answer after interrupting a timed-out command', { cause: err }));
    }
  }

  private async awaitFrameQuiet(nonce: string, timeoutMs: number): Promise<void> {
    await this.waitFor(
      () => scanFrame(this.buf, nonce).state === 'complete',
      timeoutMs,
      () => new ProtocolError('no answer'),
    );
  }

  private async uploadNow(data: Buffer, guestPath: string, opts: RunOptions): Promise<void> {
    if (this.fault !== undefined) throw this.fault;
    // The agent takes the path as one word of the request line, unquoted.
    if (!/^[\x21-\x7e]+$/.test(guestPath)) throw new UsageError(`upload path must be printable ASCII without spaces: ${JSON.stringify(guestPath)}`);
    const timeoutMs = opts.timeoutMs ?? this.commandTimeoutMs;
    const nonce = this.nextNonce();
    const what = `upload of ${data.length} bytes to ${guestPath}`;
    const timeout = (): Error => new CommandTimeoutError(what, timeoutMs * this.timeScale, this.transcript.tail());
    this.buf = '';
    try {
      this.stream.write(uploadRequestLine(nonce, guestPath, data.length));
      await this.waitFor(() => this.buf.includes(uploadReadyMarker(nonce)), timeoutMs, timeout);
      for (const window of uploadWindows(data)) {
        this.stream.write(window.text);
        if (window.acked) await this.waitFor(() => this.buf.includes(uploadAckMarker(nonce, window.lines)), timeoutMs, timeout);
      }
      this.stream.write(UPLOAD_END_LINE);
      await this.waitFor(() => scanUploadEnd(this.buf, nonce) !== undefined, timeoutMs, timeout);
    } catch (err) {
      // Ctrl-C makes the agent abandon the file; without it the next requests would be taken for base64.
      if (err instanceof CommandTimeoutError) await this.recover();
      throw err;
    }
    const status = scanUploadEnd(this.buf, nonce);
    this.buf = '';
    if (status !== 0) throw new ProtocolError(`${what} failed in the guest (status ${status ?? '?'})`);
  }
}

/** Quotes a string for the guest's sh. */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
