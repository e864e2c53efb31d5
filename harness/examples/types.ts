/**
 * The paper's step-by-step examples (E01–E45, ../shared/spec/PAPER.md §7), each defined once:
 * what a user would type, and the invariants that must hold on what the guest answered. The
 * same definition feeds the vitest suite (tests/paper) and the examples report (vslab examples),
 * so the two cannot drift apart.
 */
import type { Variant } from '../build/kernel-config.ts';

/** Something the example needs from the kernel or the guest, found out by asking the guest. */
export interface Requirement {
  /** What is missing, in words, when the probe fails ("the chcontext tool", "xid tagging"). */
  what: string;
  /** A guest shell command that exits 0 when the requirement is met. */
  probe: string;
}

/** One command, as a user would type it at the guest's shell. */
export interface Step<N extends string = string> {
  /** What the invariants call it: short, kebab-case, unique in its example ('ps-in-a'). */
  name: N;
  command: string;
  /** What this step shows, for the report. */
  note?: string;
}

/** The outcome of one step as seen on the console. */
export interface StepResult {
  /** The step's name. */
  name: string;
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** How a check reads the results: the result of the step called NAME (N: the example's step names). */
export type StepLookup<N extends string = string> = (name: N) => StepResult;

/** A check over the step results: true when it holds, else a sentence saying what was seen. */
export type Check<N extends string = string> = (step: StepLookup<N>) => true | string;

/** An invariant over the step results. */
export interface Invariant<N extends string = string> {
  says: string;
  check: Check<N>;
}

/** N: the names of its steps, which its checks read them by. */
export interface Example<N extends string = string> {
  id: string;
  title: string;
  /** Paper section(s) it illustrates, e.g. "03.1". */
  section: string;
  /** What it demonstrates, one or two sentences. */
  demonstrates: string;
  /** Kernel variant to boot (default vserver). */
  variant?: Variant;
  /**
   * Needs an ext2 disk ($VSLAB_DISK in the guest: /dev/sda on IDE, /dev/vda on virtio-blk):
   * `vslab examples` boots its guest with a fresh one where the board has a disk controller
   * (elsewhere the DISK requirement reports it missing).
   */
  disk?: boolean;
  requires?: Requirement[];
  steps: Step<N>[];
  invariants: Invariant<N>[];
  /** Run afterwards whatever happened, to leave the guest as it was (not part of the transcript). */
  cleanup?: string;
}

export type Verdict = 'pass' | 'fail' | 'not-implemented';

export interface InvariantResult {
  says: string;
  ok: boolean;
  detail?: string;
}

export interface ExampleResult {
  id: string;
  title: string;
  section: string;
  demonstrates: string;
  verdict: Verdict;
  /** For not-implemented: what is missing; for fail: the first failing invariant or the error. */
  reason?: string;
  /** For a fail that an error ended: its code (VslabError codes, INTERNAL for anything else). */
  errorCode?: string;
  steps: StepResult[];
  invariants: InvariantResult[];
  durationMs: number;
  /** The kernel variant it ran on (set by run-all.ts). */
  variant?: Variant;
}

/**
 * An example whose checks may read only its own steps: a name none of its steps has is a type
 * error (catalog.ts checks the same again when it loads, for whatever the types let through).
 */
export function defineExample<N extends string>(example: Example<N>): Example {
  return example;
}

/** The lookup a check reads RESULTS by; a name that did not run throws, naming it. */
export function stepLookup(results: readonly StepResult[]): StepLookup {
  return (name) => {
    const r = results.find((s) => s.name === name);
    if (r === undefined) throw new Error(`step '${name}' did not run`);
    return r;
  };
}
