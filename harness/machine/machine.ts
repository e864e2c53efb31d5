/**
 * The Machine interface: an emulator running one guest, seen as a byte stream (its serial
 * console) plus a lifecycle. QEMU and v86 implement it; nothing above this layer knows which.
 */
import { archInfo, type Arch } from './arch.ts';

export type { Arch } from './arch.ts';
export const BACKENDS = ['qemu', 'v86'] as const;
export type BackendName = (typeof BACKENDS)[number];

/**
 * Whether a backend emulates an architecture: QEMU every row of harness/machine/arch.ts, v86 the
 * 32-bit PC (i386) only. `vslab matrix` reports the other pairs as not applicable.
 */
export function backendRuns(backend: BackendName, arch: Arch): boolean {
  return backend === 'qemu' || arch === 'i386';
}
export const ACCELS = ['auto', 'kvm', 'tcg'] as const;
export type Accel = (typeof ACCELS)[number];

/** A serial console as a byte stream: what a Machine offers and what the console layer reads. */
export interface ConsoleStream {
  write(data: string | Uint8Array): void;
  /** Subscribe to console output; returns an unsubscribe function. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
}

export interface MachineExit {
  /** Exit status of the emulator process, if it was a process. */
  code: number | null;
  signal: string | null;
  /** True when stop() asked for it. */
  requested: boolean;
}

export interface MachineOptions {
  arch: Arch;
  kernelPath: string;
  initrdPath: string;
  /** Guest RAM, MiB (default 128: v86 needs at least that for its initrd placement). */
  memoryMiB?: number;
  /** Appended to the kernel command line. */
  extraCmdline?: string;
  /** QEMU: accelerator (default auto = KVM if it can boot our guests, else TCG). */
  accel?: Accel;
  /** QEMU TCG: -icount shift=N,sleep=off for deterministic timing. */
  icountShift?: number;
  /** Path of a file receiving every console byte (kept for post-mortems). */
  consoleLogPath?: string;
  /**
   * A raw disk image attached as the first IDE disk (the guest's /dev/sda). The guest's writes
   * end up in this file: QEMU writes through, v86 saves its buffer back when the machine ends.
   */
  diskPath?: string;
  /**
   * Start from this saved state (harness/machine/snapshot.ts) instead of booting: QEMU loads it
   * with -incoming. The other options must be those the state was saved with.
   */
  restoreFrom?: string;
  /** QEMU: a unix socket path for QMP, so the machine's state can be saved (saveState). */
  qmpSocketPath?: string;
}

export interface Machine extends ConsoleStream {
  readonly backend: BackendName;
  /** What actually runs (e.g. "qemu-system-i386 tcg"), filled in by start(). */
  readonly description: string;
  /** The emulator's process id once started; undefined for an emulator in this process (v86). */
  readonly pid: number | undefined;
  start(): Promise<void>;
  /** Resolves when the emulator has ended, for whatever reason. */
  readonly exited: Promise<MachineExit>;
  /** Ends the emulator; idempotent. */
  stop(): Promise<void>;
}

/**
 * Both emulators always have the PIIX3 IDE controller, and ata_piix resets its channels at boot:
 * libata then waits 150 ms (ATA_WAIT_AFTER_RESET) before boot goes on. Without a disk that buys
 * nothing, so the controller's legacy ports are reserved (reserve=): the PCI core cannot claim
 * them, ata_piix's probe fails at once ("probe ... failed with error -22") and no reset is made.
 */
export const NO_DISK_CMDLINE = 'reserve=0x1f0,8,0x3f6,1,0x170,8,0x376,1';

/**
 * The machine's own kernel arguments (NO_DISK_CMDLINE on a PC without a disk), then the caller's
 * extras.
 */
export function machineExtraCmdline(extraCmdline: string | undefined, hasDisk: boolean, arch: Arch): string {
  return [hasDisk || archInfo(arch).disk !== 'ide' ? '' : NO_DISK_CMDLINE, extraCmdline ?? ''].filter((s) => s !== '').join(' ');
}

/**
 * Kernel command line shared by every backend, on the architecture's serial console (ttyS0 on
 * the PC). loglevel=5 keeps WARN/BUG/lockdep on the console.
 */
export function baseCmdline(extra?: string, console = 'ttyS0'): string {
  // console_msg_format=syslog: each kernel line starts with its level (<0>..<7>), so the
  // splat detector can fail a test on any message of level crit or higher.
  const parts = [`console=${console},115200`, 'console_msg_format=syslog', 'panic=-1', 'loglevel=5', 'rdinit=/init'];
  if (extra !== undefined && extra !== '') parts.push(extra);
  return parts.join(' ');
}
