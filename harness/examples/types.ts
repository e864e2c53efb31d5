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
export interface Step {
  command: string;
  /** What this step shows, for the report. */
  note?: string;
}

/** The outcome of one step as seen on the console. */
export interface StepResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** An invariant over the step results: true when it holds, else a sentence saying what was seen. */
export interface Invariant {
  says: string;
  check: (steps: readonly StepResult[]) => true | string;
}

export interface Example {
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
  steps: Step[];
  invariants: Invariant[];
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

/** Helper for invariants: the result of step i, or an error naming the missing step. */
export function stepOf(steps: readonly StepResult[], i: number): StepResult {
  const s = steps[i];
  if (s === undefined) throw new Error(`step ${i} did not run`);
  return s;
}
