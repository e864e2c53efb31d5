/**
 * The guest benchmark program vsbench (guest-image/bench/vsbench.c): what it measures, the
 * modes PAPER §8 and issue #19 compare, the guest command line for each, and the parser of its output
 * (`NAME<TAB>NS_PER_OP<TAB>ITERATIONS` per line).
 */
import { BenchOutputError } from '../errors.ts';
import type { Variant } from '../build/kernel-config.ts';

/** The microbenchmarks, in the order vsbench runs them. */
export const MICRO = ['null', 'stat', 'open', 'create', 'fork', 'exec', 'pipe', 'ctxsw', 'pagefault', 'tcp'] as const;

/** Small macro loads, each timed by `vsbench run -- CMD` (fork, exec, wait). */
export const MACRO: ReadonlyArray<{ name: string; what: string; argv: string }> = [
  { name: 'shell-loop', what: 'sh running /bin/true 20 times', argv: "sh -c 'i=0; while [ $i -lt 20 ]; do /bin/true; i=$((i+1)); done'" },
  { name: 'tar', what: 'tar of the guest programs to /dev/null', argv: 'tar -cf /dev/null /bin/busybox /usr/lib/vslab /usr/bin/vsbench' },
  { name: 'gzip', what: 'gzip -1 of busybox to /dev/null', argv: "sh -c 'gzip -1 -c /bin/busybox >/dev/null'" },
];

/**
 * The modes, each a situation the patch's cost is judged in (issue #19's goals):
 * - vanilla: the vanilla kernel (the baseline of every ratio);
 * - off: the patched tree built without CONFIG_VSERVER (must cost nothing);
 * - host: the patched kernel, host context, no context ever made since boot;
 * - busy: the patched kernel, host context, while a guest lives beside it;
 * - guest: the patched kernel, inside a guest (a security and a network context).
 */
export type Mode = 'vanilla' | 'off' | 'host' | 'busy' | 'guest';
export const MODES: readonly Mode[] = ['vanilla', 'off', 'host', 'busy', 'guest'];

/**
 * The booted machines the modes run on: `host` needs a patched kernel on which no context has
 * ever existed (the first context turns the patch's static keys on for good), so it has one of
 * its own; `busy` and `guest` share one whose background guest (BUSY_XID) lives from boot on.
 */
export type BenchMachine = 'vanilla' | 'off' | 'fresh' | 'busy';

export function modeMachine(mode: Mode): BenchMachine {
  switch (mode) {
    case 'vanilla':
    case 'off':
    case 'busy':
      return mode;
    case 'host':
      return 'fresh';
    case 'guest':
      return 'busy';
  }
}

export function machineVariant(machine: BenchMachine): Variant {
  switch (machine) {
    case 'vanilla':
      return 'vanilla';
    case 'off':
      return 'vserver-off';
    case 'fresh':
    case 'busy':
      return 'vserver';
  }
}

export function modeVariant(mode: Mode): Variant {
  return machineVariant(modeMachine(mode));
}

/** The address the TCP benchmark uses in every mode (dummy0, kernel-patch/README.md "Guest network"). */
export const BENCH_ADDR = '10.42.0.2';
/** The context a guest-mode run enters (created and left per run). */
export const BENCH_XID = 4242;
/** The background guest of the `busy` machine: its own context and address, asleep for the run. */
export const BUSY_XID = 4243;
export const BUSY_ADDR = '10.42.0.3';

/** The shell line that starts the busy machine's background guest (it outlives the line). */
export function busyGuestCommand(): string {
  return `chbind --silent --ip ${BUSY_ADDR} -- vcontext --create --silent --xid ${BUSY_XID} -- sleep 1000000 </dev/null >/dev/null 2>&1 &`;
}

/**
 * A guest shell line running CMD in MODE. A guest run enters a network context holding
 * BENCH_ADDR (chbind, from the host context), then a new security context.
 */
export function inMode(mode: Mode, cmd: string): string {
  if (mode !== 'guest') return cmd;
  return `chbind --silent --ip ${BENCH_ADDR} -- vcontext --create --silent --xid ${BENCH_XID} -- ${cmd}`;
}

/** The guest shell line running vsbench with ARGS in MODE. */
export function vsbenchCommand(mode: Mode, args: string): string {
  return inMode(mode, `vsbench ${args}`);
}

export interface Sample {
  name: string;
  nsPerOp: number;
  iterations: number;
}

/** Parses vsbench's output; every non-empty line must be a result, and each name must be expected. */
export function parseVsbench(text: string, expected?: readonly string[]): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const f = line.split('\t');
    if (f.length !== 3) throw new BenchOutputError(line, 'not NAME<TAB>NS_PER_OP<TAB>ITERATIONS');
    const [name = '', ns = '', it = ''] = f;
    const nsPerOp = Number(ns);
    const iterations = Number(it);
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new BenchOutputError(line, 'bad benchmark name');
    if (!Number.isFinite(nsPerOp) || nsPerOp <= 0) throw new BenchOutputError(line, 'time per operation is not a positive number');
    if (!Number.isInteger(iterations) || iterations < 1) throw new BenchOutputError(line, 'iteration count is not a positive integer');
    if (expected !== undefined && !expected.includes(name)) throw new BenchOutputError(line, `unexpected benchmark (expected one of ${expected.join(', ')})`);
    samples.push({ name, nsPerOp, iterations });
  }
  if (expected !== undefined) {
    const missing = expected.filter((n) => !samples.some((s) => s.name === n));
    if (missing.length > 0) throw new BenchOutputError(text.trim(), `missing results for ${missing.join(', ')}`);
  }
  return samples;
}
