/**
 * QEMU backend: qemu-system-i386 / -x86_64 / -arm (harness/machine/arch.ts) with the kernel and initramfs given
 * directly, the serial console on the process's stdio, -no-reboot so a guest reboot or
 * panic (panic=-1) ends the process. The process runs under `setpriv --pdeathsig KILL`, so it
 * dies with us even if Node is killed outright; stop() and an exit hook cover the rest.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { execa, type ResultPromise } from 'execa';
import { QmpClient } from './qmp.ts';
import { MachineExitedError, PrerequisiteError, UsageError } from '../errors.ts';
import { ARCHES, archInfo, setupHint, type Arch } from './arch.ts';
import { baseCmdline, machineExtraCmdline, type Machine, type MachineExit, type MachineOptions } from './machine.ts';
import { trackChild, untrackChild } from './reaper.ts';
import { which } from '../host.ts';

/**
 * Under -icount the TSC and the PIT drift apart by ~1% (both derive from the instruction count),
 * so the clocksource watchdog marks the TSC unstable after a while of idling and the kernel falls
 * back to a jiffies-grained clock: timing loops in the guest then stall. Trust the TSC.
 */
const ICOUNT_CMDLINE = 'tsc=reliable';

/** The file descriptor a saved state is handed to QEMU on (-incoming fd:3). */
const RESTORE_FD = 3;

/**
 * -drive for a raw image as the first disk of the board's PIIX3 IDE controller, written through
 * to the file. QEMU's option syntax doubles a comma inside a value.
 */
export function qemuDriveSpec(path: string): string {
  return `file=${path.replaceAll(',', ',,')},format=raw,if=ide,index=0,media=disk`;
}

/** QEMU's virtio-blk device on each virtio transport of harness/machine/arch.ts. */
const VIRTIO_BLK_DEVICE = { 'virtio-mmio': 'virtio-blk-device', 'virtio-ccw': 'virtio-blk-ccw', 'virtio-pci': 'virtio-blk-pci' } as const;

/**
 * The options that attach a raw image as the guest's first disk on the architecture's board:
 * the first IDE disk on the PC; elsewhere (no IDE) a virtio-blk device on the board's virtio
 * transport — the "virt" board's first virtio-mmio slot, s390's channel subsystem (virtio-ccw),
 * pseries' PCI host bridge — the guest's /dev/vda. Written through to the file either way.
 */
export function qemuDiskArgs(arch: Arch, path: string): string[] {
  const disk = archInfo(arch).disk;
  if (disk === 'none')
    throw new UsageError(
      `arch ${arch} has no disk controller in its kernel configuration; --disk works on ${ARCHES.filter((a) => archInfo(a).disk !== 'none').join(', ')}`,
    );
  if (disk === 'ide') return ['-drive', qemuDriveSpec(path)];
  const device = VIRTIO_BLK_DEVICE[disk];
  return ['-drive', `file=${path.replaceAll(',', ',,')},format=raw,if=none,id=vslab-disk0`, '-device', `${device},drive=vslab-disk0`];
}

export class QemuMachine implements Machine {
  readonly backend = 'qemu' as const;
  description = 'qemu (not started)';
  pid: number | undefined;
  readonly exited: Promise<MachineExit>;
  private resolveExit!: (e: MachineExit) => void;
  private child: ResultPromise | undefined;
  private listeners = new Set<(chunk: Uint8Array) => void>();
  private stopRequested = false;
  private consoleLog: WriteStream | undefined;

  constructor(private readonly opts: MachineOptions) {
    this.exited = new Promise((r) => (this.resolveExit = r));
  }

  static binaryFor(arch: MachineOptions['arch']): string {
    return archInfo(arch).qemu;
  }

  /**
   * The QEMU argument vector (without the binary) that makes the machine: everything a saved
   * state depends on, so it is also the snapshot key's (harness/machine/snapshot.ts). Where to
   * save or load a state (-qmp, -incoming) comes on top, from runArgs().
   */
  static args(opts: MachineOptions, accel: 'kvm' | 'tcg'): string[] {
    const args = [
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-monitor',
      'none',
      '-serial',
      'stdio',
      '-no-reboot',
      ...archInfo(opts.arch).qemuMachine,
      '-m',
      String(opts.memoryMiB ?? archInfo(opts.arch).memoryMiB ?? 128),
      '-kernel',
      opts.kernelPath,
      '-initrd',
      opts.initrdPath,
      '-append',
      baseCmdline(
        [
          machineExtraCmdline(opts.extraCmdline, opts.diskPath !== undefined, opts.arch),
          accel === 'tcg' && opts.icountShift !== undefined ? ICOUNT_CMDLINE : undefined,
        ]
          .filter((p) => p !== undefined && p !== '')
          .join(' '),
        archInfo(opts.arch).console,
      ),
    ];
    if (opts.diskPath !== undefined) args.push(...qemuDiskArgs(opts.arch, opts.diskPath));
    if (accel === 'kvm') {
      args.push('-accel', 'kvm', '-cpu', 'host');
    } else if (opts.icountShift !== undefined) {
      args.push('-accel', 'tcg', '-icount', `shift=${opts.icountShift},sleep=off`);
    } else {
      args.push('-accel', 'tcg');
    }
    return args;
  }

  /** args() plus the QMP socket and, for a restore, the saved state on file descriptor 3. */
  static runArgs(opts: MachineOptions, accel: 'kvm' | 'tcg'): string[] {
    const args = QemuMachine.args(opts, accel);
    if (opts.qmpSocketPath !== undefined) args.push('-qmp', `unix:${opts.qmpSocketPath.replaceAll(',', ',,')},server=on,wait=off`);
    if (opts.restoreFrom !== undefined) args.push('-incoming', `fd:${RESTORE_FD}`);
    return args;
  }

  /** The accelerator start() uses ('auto' is decided before a machine is made). */
  get accel(): 'kvm' | 'tcg' {
    return this.opts.accel === 'kvm' ? 'kvm' : 'tcg';
  }

  async start(): Promise<void> {
    const bin = QemuMachine.binaryFor(this.opts.arch);
    if ((await which(bin)) === undefined)
      throw new PrerequisiteError(bin, `Debian package ${archInfo(this.opts.arch).qemuPackage}; ${setupHint(this.opts.arch)}`);
    // 'auto' is decided before a machine is made (harness/accel.ts, guest.ts's createMachine).
    const accel = this.accel;
    this.description = `${bin} ${accel}${this.opts.icountShift !== undefined && accel === 'tcg' ? ` icount=${this.opts.icountShift}` : ''}${this.opts.restoreFrom !== undefined ? ' (restored)' : ''}`;
    // Appended: the caller may have put notes there (a restore: the snapshotted boot's log).
    if (this.opts.consoleLogPath !== undefined) this.consoleLog = createWriteStream(this.opts.consoleLogPath, { flags: 'a' });
    // The saved state goes in as an open file on fd 3 (-incoming fd:3): no shell, no cat.
    const state = this.opts.restoreFrom !== undefined ? await open(this.opts.restoreFrom, 'r') : undefined;
    let child: ResultPromise;
    try {
      child = execa('setpriv', ['--pdeathsig', 'KILL', bin, ...QemuMachine.runArgs(this.opts, accel)], {
        // execa passes a descriptor number through to spawn (its typings admit it for fds 0-2 only).
        stdio: ['pipe', 'pipe', 'pipe', ...(state !== undefined ? [state.fd as unknown as 'pipe'] : [])],
        buffer: false,
        reject: false,
        encoding: 'buffer',
      });
    } finally {
      await state?.close();
    }
    this.child = child;
    this.pid = child.pid;
    trackChild(child);
    child.stdout?.on('data', (chunk: Buffer) => this.emit(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.emit(chunk));
    child.stdin?.on('error', () => undefined);
    void child.then(async (r) => {
      untrackChild(child);
      // The log is whole once the machine has ended: whoever reads it after stop() sees every byte.
      const log = this.consoleLog;
      if (log !== undefined) await new Promise<void>((done) => log.end(done));
      this.resolveExit({ code: r.exitCode ?? null, signal: r.signal ?? null, requested: this.stopRequested });
    });
    if (this.opts.restoreFrom !== undefined) await this.awaitRestored();
  }

  /**
   * Waits until QEMU has loaded the saved state and runs the guest. Until then nothing may be
   * typed: the console's bytes would land in the serial port before its saved state replaces it.
   * QEMU ending (a state it refuses) or a state that does not load in time is an error.
   */
  private async awaitRestored(timeoutMs = 30_000): Promise<void> {
    const sock = this.opts.qmpSocketPath;
    if (sock === undefined) throw new UsageError('a restore needs a machine made with qmpSocketPath');
    let exited = false;
    void this.exited.then(() => (exited = true));
    const deadline = performance.now() + timeoutMs;
    const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    let qmp: QmpClient | undefined;
    try {
      while (qmp === undefined) {
        if (exited) throw new MachineExitedError(`${this.description} ended while loading its saved state`, '');
        if (performance.now() > deadline) throw new MachineExitedError(`${this.description}: no QMP socket within ${timeoutMs} ms`, '');
        // QEMU makes the socket early in its start; until then connecting fails.
        qmp = await QmpClient.connect(sock, timeoutMs).catch(() => undefined);
        if (qmp === undefined) await pause(1);
      }
      for (;;) {
        const st = (await qmp.execute('query-status', undefined, timeoutMs)) as { status?: string; running?: boolean };
        if (st.running === true) return;
        if (st.status !== 'inmigrate' && st.status !== 'prelaunch')
          throw new MachineExitedError(`${this.description}: guest ${st.status ?? '?'} after loading its saved state`, '');
        if (exited) throw new MachineExitedError(`${this.description} ended while loading its saved state`, '');
        if (performance.now() > deadline) throw new MachineExitedError(`${this.description}: saved state not loaded within ${timeoutMs} ms`, '');
        await pause(1);
      }
    } finally {
      qmp?.close();
    }
  }

  private emit(chunk: Buffer): void {
    this.consoleLog?.write(chunk);
    for (const l of this.listeners) l(chunk);
  }

  write(data: string | Uint8Array): void {
    const stdin = this.child?.stdin;
    if (stdin === undefined || stdin === null || stdin.destroyed) return;
    stdin.write(data);
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Saves the machine's state to `path` through QMP (needs qmpSocketPath): a migration to `cat`
   * (QEMU 7.2 has no file: URI), after which QEMU holds the guest paused; it is then resumed, so
   * the caller goes on with the same guest. Written to a temporary file and
   * renamed: `path` is complete or absent.
   */
  async saveState(path: string, timeoutMs = 60_000): Promise<void> {
    const sock = this.opts.qmpSocketPath;
    if (sock === undefined) throw new UsageError('saveState needs a machine made with qmpSocketPath');
    if (/['\n]/.test(path)) throw new UsageError(`cannot save a state to ${JSON.stringify(path)}`);
    const tmp = `${path}.tmp-${process.pid}`;
    const qmp = await QmpClient.connect(sock, timeoutMs);
    let stopped = false;
    try {
      // QEMU throttles a migration to 32 MiB/s by default; this one goes to a local file.
      await qmp.execute('migrate-set-parameters', { 'max-bandwidth': 2 ** 40 }, timeoutMs);
      // Not paused first: the state records the run state, and a state saved paused restores
      // paused. The guest idles at the agent's read, so the live pass ends at once; QEMU pauses
      // the source for the last pages, and `cont` below resumes it.
      stopped = true;
      await qmp.execute('migrate', { uri: `exec:cat > '${tmp}'` }, timeoutMs);
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const info = (await qmp.execute('query-migrate', undefined, timeoutMs)) as { status?: string; 'error-desc'?: string };
        if (info.status === 'completed') break;
        if (info.status === 'failed' || info.status === 'cancelled') throw new Error(`saving the state failed: ${info['error-desc'] ?? info.status}`);
        if (performance.now() > deadline) throw new Error(`saving the state took longer than ${timeoutMs} ms (${JSON.stringify(info)})`);
        await new Promise((r) => setTimeout(r, 2));
      }
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    } finally {
      try {
        if (stopped) await qmp.execute('cont', undefined, timeoutMs);
      } finally {
        qmp.close();
      }
    }
  }

  /**
   * CPU time the emulator process has used so far (user + system, all its threads), ms; from
   * /proc (Linux, USER_HZ 100). Undefined once it has ended. For benchmarks on a busy host, where
   * wall time says more about the other processes than about this one.
   */
  async cpuMs(): Promise<number | undefined> {
    if (this.pid === undefined) return undefined;
    const stat = await readFile(`/proc/${this.pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined) return undefined;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  /** Resolves once every console byte received so far is in the console log file. */
  flushConsoleLog(): Promise<void> {
    const log = this.consoleLog;
    if (log === undefined || log.writableEnded) return Promise.resolve();
    return new Promise((r) => log.write('', () => r()));
  }

  async stop(): Promise<void> {
    if (this.child === undefined) return;
    this.stopRequested = true;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
