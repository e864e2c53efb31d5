/**
 * The splat detector reads every console byte and recognises the kernel's distress signals: a
 * panic, an Oops, BUG: (which includes KASAN's and KFENCE's), WARNING: (lockdep's), KASAN, UBSAN, kmemleak, general
 * protection faults, RCU stalls, and any other kernel message of level crit or higher (KernelCI's
 * baseline check): the guest kernel prints its console lines with their syslog level
 * (`console_msg_format=syslog`, harness/machine/machine.ts), so `<0>`..`<2>` mark them. The few
 * critical messages that are expected live in ALLOWED_CRITICAL below, the one place to add one.
 * The first splat found is reported once, with the console tail collected up to a short settle
 * time so the backtrace is included.
 *
 * Commands run through the framed protocol have their output base64-encoded, so a program
 * printing "WARNING:" cannot trip the detector; only the kernel (and init, which avoids these
 * words) writes plain text to the console.
 */
import { KernelSplatError, type SplatKind } from '../errors.ts';
import { Transcript } from './transcript.ts';

interface Pattern {
  kind: SplatKind;
  re: RegExp;
}

/** Ordered: the first match on a line decides its kind. */
const PATTERNS: readonly Pattern[] = [
  { kind: 'panic', re: /Kernel panic - not syncing/ },
  {
    kind: 'lockdep',
    re: /(possible circular locking dependency|possible recursive locking|inconsistent lock state|lock held when returning to user space|INFO: possible irq lock inversion|suspicious RCU usage|bad unlock balance detected)/,
  },
  { kind: 'rcu-stall', re: /(rcu: INFO: rcu_\w+ (self-)?detected stall|rcu_\w+ detected stalls on CPUs)/ },
  { kind: 'kasan', re: /KASAN:/ },
  { kind: 'ubsan', re: /UBSAN:/ },
  // kmemleak's own distress: a scan that found leaks (its report is read by harness/sanitize.ts),
  // or the detector switching itself off (then nothing it would have found is reported).
  { kind: 'kmemleak', re: /kmemleak: (\d+ new suspected memory leaks|Cannot allocate|Kernel memory leak detector disabled)/ },
  { kind: 'oops', re: /(Oops[:\s]|Unable to handle kernel)/ },
  { kind: 'gpf', re: /general protection fault/ },
  { kind: 'bug', re: /(^|[\]\s])BUG:/ },
  { kind: 'warning', re: /(^|[\]\s])WARNING:/ },
];

/** A kernel console line of level emerg (0), alert (1) or crit (2), with `console_msg_format=syslog`. */
const CRITICAL = /^<[0-2]>/;

/**
 * Critical-level kernel messages that are expected on our guests, each with the reason; every
 * other crit, alert or emerg message fails the test that was running.
 */
export const ALLOWED_CRITICAL: readonly RegExp[] = [
  // kernel/reboot.c announces a reboot, power-off or halt at KERN_EMERG: a test that ends the
  // machine on purpose (reboot -f) prints it, and the machine's exit is what that test checks.
  /^<0>\[[\s\d.]+\] reboot: (Restarting system|Power down|System halted)/,
];

/**
 * The splat a console line shows, if any. A line still arriving (`complete` false) is judged by
 * the patterns alone: its level prefix comes first, and the text that decides between a panic, an
 * allowed critical message and an unknown one may not have come yet.
 */
export function classifyLine(line: string, complete = true): SplatKind | undefined {
  for (const p of PATTERNS) if (p.re.test(line)) return p.kind;
  if (complete && CRITICAL.test(line) && !ALLOWED_CRITICAL.some((re) => re.test(line))) return 'critical';
  return undefined;
}

export interface SplatDetectorOptions {
  /** How long to keep collecting console text after the first splat line, ms (default 300). */
  settleMs?: number;
}

export class SplatDetector {
  readonly transcript = new Transcript();
  private partial = '';
  private found: { kind: SplatKind; line: string } | undefined;
  private reported = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners: Array<(err: KernelSplatError) => void> = [];
  private readonly settleMs: number;

  constructor(opts: SplatDetectorOptions = {}) {
    this.settleMs = opts.settleMs ?? 300;
  }

  /** Called with the error once, after the settle time (or at flush()). */
  onSplat(listener: (err: KernelSplatError) => void): void {
    this.listeners.push(listener);
  }

  get splat(): KernelSplatError | undefined {
    return this.found === undefined ? undefined : this.error();
  }

  feed(text: string): void {
    this.transcript.push(text);
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    // A partial line may already be decisive (a panic line is not always followed by a newline).
    if (this.partial.length > 4096) this.partial = this.partial.slice(-4096);
    const candidates = [...lines.map((line) => ({ line, complete: true })), { line: this.partial, complete: false }];
    for (const { line, complete } of candidates) {
      if (this.found !== undefined) break;
      const kind = classifyLine(line, complete);
      if (kind !== undefined) {
        this.found = { kind, line: line.replace(/\r/g, '').trim() };
        this.timer = setTimeout(() => this.report(), this.settleMs);
      }
    }
  }

  /** Report at once (e.g. when the emulator has exited and nothing more will come). */
  flush(): void {
    // Nothing more will come: a partial line is now whole.
    const kind = this.found === undefined ? classifyLine(this.partial) : undefined;
    if (kind !== undefined) this.found = { kind, line: this.partial.replace(/\r/g, '').trim() };
    if (this.found !== undefined) this.report();
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private error(): KernelSplatError {
    const f = this.found;
    if (f === undefined) throw new Error('no splat');
    return new KernelSplatError(f.kind, f.line, this.transcript.tail(60));
  }

  private report(): void {
    if (this.reported || this.found === undefined) return;
    this.reported = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const err = this.error();
    for (const l of this.listeners) l(err);
  }
}
