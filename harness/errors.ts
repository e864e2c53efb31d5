/**
 * Typed errors of the harness. Every error carries a stable `code` so that callers and
 * tests can tell a misbehaving kernel (KernelSplatError, CommandTimeoutError, …) from a
 * broken harness or a missing prerequisite.
 */

export type VslabErrorCode =
  | 'BUILD_FAILED'
  | 'PREREQUISITE_MISSING'
  | 'BOOT_TIMEOUT'
  | 'MACHINE_EXITED'
  | 'COMMAND_TIMEOUT'
  | 'COMMAND_FAILED'
  | 'BENCH_OUTPUT'
  | 'KERNEL_SPLAT'
  | 'PROTOCOL_ERROR'
  | 'USAGE';

export class VslabError extends Error {
  readonly code: VslabErrorCode;

  /** `options.cause` keeps the error this one explains (a failed stat, a child's error). */
  constructor(code: VslabErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A build step failed; `logPath` holds the full log, `tail` its last lines. */
export class BuildError extends VslabError {
  constructor(
    readonly step: string,
    readonly logPath: string,
    readonly tail: string,
  ) {
    super('BUILD_FAILED', `build step failed: ${step}\nfull log: ${logPath}\n--- last lines ---\n${tail}`);
  }
}

/** A host tool or package the harness needs is not installed. */
export class PrerequisiteError extends VslabError {
  constructor(
    readonly what: string,
    readonly hint: string,
    options?: ErrorOptions,
  ) {
    super('PREREQUISITE_MISSING', `missing prerequisite: ${what} (${hint})`, options);
  }
}

export class UsageError extends VslabError {
  constructor(message: string, options?: ErrorOptions) {
    super('USAGE', message, options);
  }
}

/** The guest did not reach its shell in time. */
export class BootTimeoutError extends VslabError {
  constructor(
    readonly timeoutMs: number,
    readonly consoleTail: string,
  ) {
    super('BOOT_TIMEOUT', `guest did not reach its shell within ${timeoutMs} ms\n--- console tail ---\n${consoleTail}`);
  }
}

/** The emulator process ended while something was still expected of it. */
export class MachineExitedError extends VslabError {
  constructor(
    readonly detail: string,
    readonly consoleTail: string,
    options?: ErrorOptions,
  ) {
    super('MACHINE_EXITED', `emulator exited: ${detail}\n--- console tail ---\n${consoleTail}`, options);
  }
}

export class CommandTimeoutError extends VslabError {
  constructor(
    readonly command: string,
    readonly timeoutMs: number,
    readonly consoleTail: string,
  ) {
    super('COMMAND_TIMEOUT', `command timed out after ${timeoutMs} ms: ${command}\n--- console tail ---\n${consoleTail}`);
  }
}

/** Thrown by `Shell.succeed()` when the command's exit status is not 0. */
export class CommandFailedError extends VslabError {
  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super('COMMAND_FAILED', `command exited with status ${exitCode}: ${command}\n--- stdout ---\n${stdout}--- stderr ---\n${stderr}`);
  }
}

/** A benchmark program's output is not what it promises (harness/bench/vsbench.ts). */
export class BenchOutputError extends VslabError {
  constructor(
    readonly line: string,
    why: string,
  ) {
    super('BENCH_OUTPUT', `vsbench output: ${why}: ${JSON.stringify(line)}`);
  }
}

export type SplatKind = 'panic' | 'oops' | 'bug' | 'warning' | 'lockdep' | 'rcu-stall' | 'kasan' | 'ubsan' | 'kmemleak' | 'gpf' | 'critical';

/** The kernel printed a panic, Oops, BUG, WARNING, lockdep report, RCU stall, sanitizer report (KASAN, KFENCE, UBSAN, kmemleak) or another crit-level message. */
export class KernelSplatError extends VslabError {
  constructor(
    readonly kind: SplatKind,
    readonly line: string,
    readonly consoleTail: string,
  ) {
    super('KERNEL_SPLAT', `kernel ${kind}: ${line}\n--- console tail ---\n${consoleTail}`);
  }
}

/** The guest's answer did not follow the framed console protocol. */
export class ProtocolError extends VslabError {
  constructor(message: string, options?: ErrorOptions) {
    super('PROTOCOL_ERROR', message, options);
  }
}
