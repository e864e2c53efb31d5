/**
 * Runs the guest fuzzer vsfuzz (guest-image/fuzz) against sys_vserver on a booted kernel and
 * tells a clean run from a kernel report. A clean run gives the call count and rate; a kernel
 * report (BUG, WARNING, Oops, KASAN, UBSAN, lockdep, RCU stall, panic — the console splat detector's
 * KernelSplatError) or a hang gives the seed, the report and where each worker was: the last
 * heartbeat ("vsfuzz: seed=S worker=W call=I", every 1024 calls; every call with --replay)
 * that vsfuzz wrote to /dev/kmsg before the report, read from the full console log.
 */
import { readFile } from 'node:fs/promises';
import { CommandTimeoutError, KernelSplatError, ProtocolError } from '../errors.ts';
import { kmemleakBaseline, kmemleakCheck, SANITIZER_VARIANT } from '../sanitize.ts';
import { bootGuest, type BootOptions, type Guest } from '../guest.ts';
import type { KernelArtifact } from '../build/kernel.ts';

export const FUZZ_FROM = ['all', 'host', 'guest', 'setup', 'spectator'] as const;
export type FuzzFrom = (typeof FUZZ_FROM)[number];

export interface FuzzOptions {
  seed: number;
  calls: number;
  procs: number;
  from: FuzzFrom;
  /** Processes creating and tearing down contexts beside the workers. */
  churn: number;
  /** Log every call to the kernel log before making it (exact, slow). */
  replay: boolean;
}

export interface FuzzSummary {
  seed: number;
  calls: number;
  seconds: number;
  rate: number;
  ok: number;
  enosys: number;
  other: number;
  killed: number;
  hung: number;
}

export type FuzzOutcome =
  | { kind: 'clean'; summary: FuzzSummary }
  | { kind: 'report'; what: string; detail: string; lastCalls: string[]; consoleLogPath: string }
  | { kind: 'hang'; detail: string; lastCalls: string[]; consoleLogPath: string };

/** The vsfuzz command line for these options. */
export function fuzzCommand(o: FuzzOptions): string {
  const args = ['vsfuzz', '--seed', String(o.seed), '--calls', String(o.calls), '--procs', String(o.procs), '--from', o.from, '--churn', String(o.churn)];
  if (o.replay) args.push('--replay');
  return args.join(' ');
}

const SUMMARY = /^vsfuzz: seed=(\d+) calls=(\d+) seconds=([\d.]+) rate=(\d+)\/s ok=(\d+) enosys=(\d+) other=(\d+) killed=(\d+) hung=(\d+)$/m;

/** Reads vsfuzz's summary line; undefined if the output has none. */
export function parseSummary(stdout: string): FuzzSummary | undefined {
  const m = SUMMARY.exec(stdout);
  if (m === null) return undefined;
  const n = m.slice(1).map(Number);
  const [seed, calls, seconds, rate, ok, enosys, other, killed, hung] = n as [number, number, number, number, number, number, number, number, number];
  return { seed, calls, seconds, rate, ok, enosys, other, killed, hung };
}

const HEARTBEAT = /vsfuzz: seed=\d+ worker=(\d+) call=\d+.*$/;

/** The last heartbeat line of each worker in a console log, in worker order. */
export function lastCalls(consoleLog: string): string[] {
  const last = new Map<number, string>();
  for (const line of consoleLog.split(/\r?\n/)) {
    const m = HEARTBEAT.exec(line);
    if (m !== null) last.set(Number(m[1]), m[0]);
  }
  return [...last.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
}

/** How long vsfuzz may take (ms): generous, since a TCG guest under load makes a few thousand calls a second. */
export function fuzzTimeoutMs(calls: number): number {
  return 120_000 + calls * 5;
}

async function consoleLog(guest: Guest): Promise<string> {
  return readFile(guest.consoleLogPath, 'utf8').catch(() => '');
}

/** Runs one fuzz session on an already booted guest. */
export async function fuzzOn(guest: Guest, o: FuzzOptions): Promise<FuzzOutcome> {
  try {
    const r = await guest.shell.run(fuzzCommand(o), { timeoutMs: fuzzTimeoutMs(o.calls) });
    const summary = parseSummary(r.stdout);
    if (summary === undefined) throw new ProtocolError(`vsfuzz printed no summary (exit ${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`);
    if (r.exitCode === 3 || summary.hung > 0) {
      // vsfuzz names the call and shows the stuck task (state, wait channel, kernel stack).
      const why = r.stderr.split('\n').filter((l) => /^vsfuzz: (HANG|stuck task)/.test(l));
      return {
        kind: 'hang',
        detail: ['a sys_vserver call did not return within 30 s of guest time', ...why].join('\n'),
        lastCalls: lastCalls(await consoleLog(guest)),
        consoleLogPath: guest.consoleLogPath,
      };
    }
    if (r.exitCode !== 0) throw new ProtocolError(`vsfuzz failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
    return { kind: 'clean', summary };
  } catch (err) {
    if (err instanceof KernelSplatError) {
      return {
        kind: 'report',
        what: `kernel ${err.kind}`,
        detail: err.line,
        lastCalls: lastCalls(await consoleLog(guest)),
        consoleLogPath: guest.consoleLogPath,
      };
    }
    if (err instanceof CommandTimeoutError) {
      return {
        kind: 'hang',
        detail: `vsfuzz did not finish within ${err.timeoutMs} ms`,
        lastCalls: lastCalls(await consoleLog(guest)),
        consoleLogPath: guest.consoleLogPath,
      };
    }
    throw err;
  }
}

/**
 * Boots a guest, fuzzes, closes the guest. On the sanitizer kernel kmemleak is scanned after the
 * boot and after the fuzzing: a leak is a kernel report like any other.
 */
export async function runFuzz(boot: BootOptions, o: FuzzOptions, onBoot?: (kernel: KernelArtifact) => void): Promise<FuzzOutcome> {
  const guest = await bootGuest(boot);
  onBoot?.(guest.kernel);
  const leakChecked = boot.variant === SANITIZER_VARIANT;
  try {
    if (leakChecked) await kmemleakBaseline(guest.shell);
    const outcome = await fuzzOn(guest, o);
    if (outcome.kind !== 'clean' || !leakChecked) return outcome;
    try {
      await kmemleakCheck(guest.shell);
    } catch (err) {
      if (!(err instanceof KernelSplatError)) throw err;
      return { kind: 'report', what: `kernel ${err.kind}`, detail: `${err.line}\n${err.consoleTail}`, lastCalls: [], consoleLogPath: guest.consoleLogPath };
    }
    return outcome;
  } finally {
    await guest.close().catch(() => undefined);
  }
}
