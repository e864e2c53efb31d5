/**
 * v86 backend: the v86 x86 emulator (npm `v86`, WebAssembly) running in this Node process,
 * booting the i386 bzImage and initramfs directly with Debian's SeaBIOS as firmware. There is no
 * screen, keyboard, mouse or speaker: the guest is seen only through its first serial port,
 * whose output bytes are batched per emulator tick and handed to the onData listeners.
 *
 * A disk image (MachineOptions.diskPath) is read into a buffer that v86 uses as its first IDE
 * disk; the buffer is written back to the file when the machine ends, however it ends.
 *
 * A saved state (MachineOptions.restoreFrom, a file saveState() wrote) is restored into the
 * emulator before its first instruction: the machine then starts where the saved one was, not at
 * the BIOS. A state v86 refuses ends the start at once with v86's reason.
 *
 * Like QEMU's -no-reboot, a guest reset (reboot, or a panic with panic=-1) ends the machine:
 * the reset request is intercepted, the emulator destroyed and `exited` resolved with
 * requested=false. stop() destroys the emulator too, so no timer is left running and Node can exit.
 *
 * v86 wants its options in snake_case; they are made only here, by `v86Options()`.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { access, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { V86, V86Options } from 'v86';
import { MachineExitedError, PrerequisiteError, UsageError } from '../errors.ts';
import { backendRuns, baseCmdline, machineExtraCmdline, type Machine, type MachineExit, type MachineOptions } from './machine.ts';

/** Debian's SeaBIOS image (package `seabios`); v86's npm package ships no BIOS. */
export const SEABIOS_PATH = '/usr/share/seabios/bios.bin';
/** v86 copies the initrd to guest-physical 64 MiB, so the guest needs more than that. */
export const V86_MIN_MEMORY_MIB = 128;
const V86_INITRD_ADDRESS = 64 * 1024 * 1024;
const MIB = 1024 * 1024;
/**
 * The VGA card's memory: v86's least (256 KiB, which holds the legacy text and graphics planes)
 * instead of its 8 MiB default. The guest has a serial console only, and every saved state
 * carries the card's whole memory (8 of 30 MB of a snapshot with the default).
 */
export const V86_VGA_MEMORY = 256 * 1024;
/** How long the emulator may take to load its WebAssembly and images before start() gives up. */
const START_TIMEOUT_MS = 60_000;

export interface V86Files {
  bios: ArrayBuffer;
  /**
   * The kernel and initramfs a boot starts from. A restore goes without: they are in the saved
   * memory, and a machine made without them has written nothing above 1 MiB (V86_LOW_MEMORY).
   */
  boot?: { bzimage: ArrayBuffer; initrd: ArrayBuffer };
  /** The disk image (MachineOptions.diskPath), the guest's first IDE disk. */
  disk?: ArrayBuffer;
  /**
   * A state saveState() wrote (MachineOptions.restoreFrom): the emulator is then made stopped,
   * and V86Machine restores the state and runs it.
   */
  state?: ArrayBuffer;
}

/**
 * All that a v86 machine made without a kernel writes to guest memory before its first
 * instruction lies below this address (the BIOS and its data areas; tests/unit/v86-memory.test.ts
 * checks it for the pinned v86). See V86Machine.restore().
 */
export const V86_LOW_MEMORY = 1024 * 1024;

/** Guest RAM for v86 in MiB: the requested size (default 128), raised to at least 128. */
export function v86MemoryMiB(requestedMiB?: number): number {
  return Math.max(requestedMiB ?? V86_MIN_MEMORY_MIB, V86_MIN_MEMORY_MIB);
}

/**
 * Kernel command line on v86: the shared one plus `tsc=reliable` (v86's TSC runs at a rate the
 * kernel's clocksource watchdog distrusts; without it the boot stalls on calibration/switching).
 * Put before the caller's extra arguments so those can still override it.
 */
export function v86Cmdline(extraCmdline?: string): string {
  const extra = ['tsc=reliable', extraCmdline ?? ''].filter((s) => s !== '').join(' ');
  return baseCmdline(extra);
}

/** The V86 constructor options for `opts` (pure: no files read, no emulator made). */
export function v86Options(opts: MachineOptions, files: V86Files): V86Options {
  if (!backendRuns('v86', opts.arch)) throw new UsageError(`v86 emulates a 32-bit x86 PC only; arch ${opts.arch} needs the qemu backend`);
  const memoryMiB = v86MemoryMiB(opts.memoryMiB);
  const boot = files.boot;
  if (boot === undefined && files.state === undefined) throw new UsageError('a v86 machine needs a kernel and initramfs to boot, or a saved state');
  const needBytes = V86_INITRD_ADDRESS + (boot?.initrd.byteLength ?? 0);
  if (needBytes > memoryMiB * MIB) {
    throw new UsageError(
      `v86 loads the initramfs at 64 MiB: an initramfs of ${Math.ceil((boot?.initrd.byteLength ?? 0) / MIB)} MiB needs more than ` +
        `${Math.ceil(needBytes / MIB)} MiB of guest memory, got ${memoryMiB} MiB (raise --memory)`,
    );
  }
  if (files.disk !== undefined && (files.disk.byteLength === 0 || files.disk.byteLength % 512 !== 0)) {
    throw new UsageError(`v86 needs a disk image of whole 512-byte sectors, got ${files.disk.byteLength} bytes`);
  }
  return {
    bios: { buffer: files.bios },
    ...(boot !== undefined ? { bzimage: { buffer: boot.bzimage }, initrd: { buffer: boot.initrd } } : {}),
    // v86 reads and writes this very buffer (no copy): the guest's writes land in it.
    ...(files.disk !== undefined ? { hda: { buffer: files.disk } } : {}),
    cmdline: v86Cmdline(machineExtraCmdline(opts.extraCmdline, files.disk !== undefined, opts.arch)),
    memory_size: memoryMiB * MIB,
    vga_memory_size: V86_VGA_MEMORY,
    // With a saved state the machine starts once the state is in (V86Machine.startNow).
    autostart: files.state === undefined,
    disable_keyboard: true,
    disable_mouse: true,
    disable_speaker: true,
    serial_console: { type: 'none' },
    acpi: false,
    log_level: 0,
  };
}

/** The parts of v86's internals the adapter reaches into (not in its typings), checked at run time. */
interface V86Internals {
  v86?: {
    do_tick?: () => void;
    cpu?: { reboot_internal?: () => void; zero_memory?: (addr: number, length: number) => void };
  };
}

function v86PackageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('v86'));
}

/** The files a v86 machine is made of besides the kernel and initrd: its WebAssembly and BIOS. */
export function v86EmulatorFiles(): string[] {
  return [join(v86PackageDir(), 'v86.wasm'), SEABIOS_PATH];
}

/**
 * What a saved state depends on besides those files (snapshot keys): v86's version and the
 * options the machine is made with, as v86 needs them equal to restore a state.
 */
export function v86StateArgs(opts: MachineOptions): string[] {
  return [
    `v86 ${v86Version()}`,
    `memory ${v86MemoryMiB(opts.memoryMiB)}`,
    `vga ${V86_VGA_MEMORY}`,
    `cmdline ${v86Cmdline(machineExtraCmdline(opts.extraCmdline, opts.diskPath !== undefined, opts.arch))}`,
  ];
}

export function v86Version(): string {
  const req = createRequire(import.meta.url);
  const pkg = req(join(v86PackageDir(), '..', 'package.json')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version.replace(/\+.*$/, '') : 'unknown';
}

/**
 * V8 compiles WebAssembly first with its baseline compiler (Liftoff) and only later, for hot
 * functions, with its optimising one (TurboFan). v86 makes a new small module for every stretch of
 * guest code it finds hot, so a freshly booted guest runs mostly on baseline code for hundreds of
 * commands: the median command round trip right after boot was 41–60 ms with Liftoff and 7–9.5 ms
 * without it (same load, same guest). So wasm is compiled with TurboFan from the start. The flag
 * is process-wide and only concerns WebAssembly, which nothing else here uses; it must be set
 * before v86 compiles its own module.
 */
function optimiseWasmCompilation(): void {
  setFlagsFromString('--no-liftoff');
}

/**
 * The bytes of `b` as an ArrayBuffer of their own: `b`'s own buffer where it holds nothing else
 * (what readFile gives for files of more than a few KiB), else a copy.
 */
function ownBuffer(b: Buffer): ArrayBuffer {
  if (b.byteOffset === 0 && b.buffer instanceof ArrayBuffer && b.buffer.byteLength === b.byteLength) return b.buffer;
  const copy = new ArrayBuffer(b.byteLength);
  new Uint8Array(copy).set(b);
  return copy;
}

/** How long a stopping emulator may take to destroy itself before the machine counts as ended. */
const DESTROY_TIMEOUT_MS = 2_000;

export class V86Machine implements Machine {
  readonly backend = 'v86' as const;
  description = 'v86 (not started)';
  readonly pid = undefined;
  readonly exited: Promise<MachineExit>;
  private resolveExit!: (e: MachineExit) => void;
  private emulator: V86 | undefined;
  private starting: Promise<void> | undefined;
  private ending: Promise<void> | undefined;
  private listeners = new Set<(chunk: Uint8Array) => void>();
  private pending: number[] = [];
  private flushQueued = false;
  private consoleLog: WriteStream | undefined;
  private disk: ArrayBuffer | undefined;
  private diskSaveError: Error | undefined;

  constructor(private readonly opts: MachineOptions) {
    this.exited = new Promise((r) => (this.resolveExit = r));
  }

  start(): Promise<void> {
    this.starting ??= this.startNow();
    return this.starting;
  }

  private async startNow(): Promise<void> {
    try {
      await access(SEABIOS_PATH);
    } catch (err) {
      throw new PrerequisiteError(`SeaBIOS (${SEABIOS_PATH})`, 'Debian package seabios; run scripts/setup', { cause: err });
    }
    const restoring = this.opts.restoreFrom;
    // A restore needs neither kernel nor initramfs: both are in the saved memory.
    const [bios, boot, state] = await Promise.all([
      readFile(SEABIOS_PATH),
      restoring === undefined
        ? Promise.all([readFile(this.opts.kernelPath), readFile(this.opts.initrdPath)]).then(([k, i]) => ({ bzimage: ownBuffer(k), initrd: ownBuffer(i) }))
        : undefined,
      restoring !== undefined ? readFile(restoring).then(ownBuffer) : undefined,
    ]);
    if (this.opts.diskPath !== undefined) this.disk = ownBuffer(await readFile(this.opts.diskPath));
    const options = v86Options(this.opts, { bios: ownBuffer(bios), boot, disk: this.disk, state });
    options.wasm_path = join(v86PackageDir(), 'v86.wasm');
    const memoryMiB = v86MemoryMiB(this.opts.memoryMiB);
    const raised = this.opts.memoryMiB !== undefined && this.opts.memoryMiB < memoryMiB ? ` (raised from ${this.opts.memoryMiB})` : '';
    this.description = `v86 ${v86Version()} ${memoryMiB} MiB${raised}${state !== undefined ? ' (restored)' : ''}`;
    if (this.opts.consoleLogPath !== undefined) this.consoleLog = createWriteStream(this.opts.consoleLogPath, { flags: 'a' });

    optimiseWasmCompilation();
    const { V86: V86Class } = await import('v86');
    const emulator = new V86Class(options);
    this.emulator = emulator;
    emulator.add_listener('serial0-output-byte', (byte: number) => this.receive(byte));
    // Should loading finish after a start timeout already ended the machine, stop it at once.
    emulator.add_listener('emulator-started', () => {
      if (this.ending !== undefined) void emulator.stop();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        emulator.remove_listener('emulator-started', onStarted);
        reject(new MachineExitedError(`v86 did not start within ${START_TIMEOUT_MS} ms`, ''));
      }, START_TIMEOUT_MS);
      const onStarted = (): void => {
        clearTimeout(timer);
        emulator.remove_listener('emulator-started', onStarted);
        resolve();
      };
      emulator.add_listener('emulator-started', onStarted);
      // emulator-ready comes after the CPU is made and the kernel loaded, before the first instruction.
      emulator.add_listener('emulator-ready', () => {
        this.instrument(emulator);
        if (state === undefined) return;
        this.restore(emulator, state).then(
          () => void emulator.run(),
          (err: unknown) => {
            clearTimeout(timer);
            emulator.remove_listener('emulator-started', onStarted);
            reject(new MachineExitedError(`v86 refused the saved state: ${err instanceof Error ? err.message : String(err)}`, '', { cause: err }));
          },
        );
      });
    }).catch(async (err: unknown) => {
      await this.end(false);
      throw err;
    });
  }

  /**
   * Restores `state` into the freshly made, never started `emulator`. v86's restore first zeroes
   * the whole guest memory, then writes the saved pages; but each first touch of a page of a new
   * WebAssembly memory is a page fault on the host, and zeroing 128 MiB that are zero already cost
   * 390 ms of a 560 ms restore here. A machine made without a kernel has written only below
   * V86_LOW_MEMORY, so for the restore only that part is zeroed; pages the state does not hold
   * stay untouched (zero) until the guest uses them. Without the internal, v86 zeroes all of it.
   */
  private async restore(emulator: V86, state: ArrayBuffer): Promise<void> {
    const cpu = (emulator as unknown as V86Internals).v86?.cpu;
    const zero = cpu?.zero_memory;
    if (cpu === undefined || zero === undefined) return emulator.restore_state(state);
    cpu.zero_memory = (addr, length) => {
      if (addr < V86_LOW_MEMORY) zero.call(cpu, addr, Math.min(length, V86_LOW_MEMORY - addr));
    };
    try {
      await emulator.restore_state(state);
    } finally {
      cpu.zero_memory = zero;
    }
  }

  /**
   * Hooks v86's internals: a CPU reset request (keyboard controller 0xFE, port 0xCF9) ends the
   * machine instead of rebooting, and an exception thrown by the emulator's main loop ends it
   * too (with the error on the console) instead of crashing Node.
   */
  private instrument(emulator: V86): void {
    const inner = (emulator as unknown as V86Internals).v86;
    const cpu = inner?.cpu;
    const tick = inner?.do_tick;
    if (inner === undefined || cpu === undefined || typeof cpu.reboot_internal !== 'function' || typeof tick !== 'function') {
      // Only a v86 other than the pinned version gets here; say so where the tail will show it.
      this.receiveText('\r\nvslab: unknown v86 internals: a guest reboot will not end the machine\r\n');
      return;
    }
    cpu.reboot_internal = () => {
      void this.end(false);
    };
    inner.do_tick = () => {
      try {
        tick.call(inner);
      } catch (err) {
        this.receiveText(`\r\nvslab: v86 emulator error: ${err instanceof Error ? err.message : String(err)}\r\n`);
        void this.end(false);
      }
    };
  }

  private receive(byte: number): void {
    if (this.ending !== undefined) return;
    this.pending.push(byte);
    if (!this.flushQueued) {
      this.flushQueued = true;
      // Runs once the emulator's current tick returns: one chunk per tick, no timer.
      queueMicrotask(() => this.flush());
    }
  }

  private receiveText(text: string): void {
    for (const b of Buffer.from(text, 'latin1')) this.pending.push(b);
    this.flush();
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.pending.length === 0) return;
    const chunk = Uint8Array.from(this.pending);
    this.pending = [];
    this.consoleLog?.write(chunk);
    for (const l of this.listeners) l(chunk);
  }

  /** Sends bytes to the guest's first serial port; strings as UTF-8, bytes unchanged. */
  write(data: string | Uint8Array): void {
    const emulator = this.emulator;
    if (emulator === undefined || this.ending !== undefined) return;
    emulator.serial_send_bytes(0, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    if (this.starting === undefined) {
      this.ending ??= Promise.resolve();
      this.resolveExit({ code: null, signal: null, requested: true });
      return;
    }
    // Let a start in progress finish (or fail) so the emulator cannot come up after destroy.
    await this.starting.catch(() => undefined);
    await this.end(true);
    if (this.diskSaveError !== undefined) throw this.diskSaveError;
  }

  /**
   * Saves the machine's state to `path` (v86's save_state: registers, devices and the whole guest
   * memory); the guest runs on. Written to a temporary file and renamed: `path` is complete or
   * absent.
   */
  async saveState(path: string): Promise<void> {
    const emulator = this.emulator;
    if (emulator === undefined || this.ending !== undefined) throw new MachineExitedError('saveState: the v86 machine is not running', '');
    const state = await emulator.save_state();
    const tmp = `${path}.tmp-${process.pid}`;
    try {
      await writeFile(tmp, new Uint8Array(state));
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** Resolves once every console byte received so far is in the console log file. */
  flushConsoleLog(): Promise<void> {
    this.flush();
    const log = this.consoleLog;
    if (log === undefined || log.writableEnded) return Promise.resolve();
    return new Promise((r) => log.write('', () => r()));
  }

  /** Writes the disk buffer, with the guest's writes, back to its file. */
  private async saveDisk(): Promise<void> {
    const path = this.opts.diskPath;
    if (path === undefined || this.disk === undefined) return;
    try {
      await writeFile(path, new Uint8Array(this.disk));
    } catch (err) {
      this.diskSaveError = new MachineExitedError(`v86 could not save the disk image ${path}: ${err instanceof Error ? err.message : String(err)}`, '', {
        cause: err,
      });
    }
  }

  /** Destroys the emulator (once), delivers what is still pending and resolves `exited`. */
  private end(requested: boolean): Promise<void> {
    this.ending ??= (async () => {
      this.flush();
      const emulator = this.emulator;
      if (emulator !== undefined) {
        // A half-initialised emulator may fail to destroy (it has no timer running then), and one
        // whose WebAssembly trapped may never finish destroying: the machine ends regardless.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([emulator.destroy().catch(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, DESTROY_TIMEOUT_MS)))]);
        clearTimeout(timer);
      }
      await this.saveDisk();
      const log = this.consoleLog;
      if (log !== undefined) await new Promise<void>((r) => log.end(r));
      this.resolveExit({ code: null, signal: null, requested });
    })();
    return this.ending.then(() => this.exited).then(() => undefined);
  }
}
