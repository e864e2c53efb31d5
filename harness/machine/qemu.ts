/**
 * QEMU backend: qemu-system-i386 / -x86_64 / -arm (harness/machine/arch.ts) with the kernel and initramfs given
 * directly, the serial console on the process's stdio, -no-reboot so a guest reboot or
 * panic (panic=-1) ends the process. The process runs under `setpriv --pdeathsig KILL`, so it
 * dies with us even if Node is killed outright; stop() and an exit hook cover the rest.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { execa, type ResultPromise } from 'execa';
import { PrerequisiteError, UsageError } from '../errors.ts';
import { ARCHES, archInfo, type Arch } from './arch.ts';
import { baseCmdline, machineExtraCmdline, type Machine, type MachineExit, type MachineOptions } from './machine.ts';
import { trackChild, untrackChild } from './reaper.ts';
import { which } from '../host.ts';

/**
 * Under -icount the TSC and the PIT drift apart by ~1% (both derive from the instruction count),
 * so the clocksource watchdog marks the TSC unstable after a while of idling and the kernel falls
 * back to a jiffies-grained clock: timing loops in the guest then stall. Trust the TSC.
 */
const ICOUNT_CMDLINE = 'tsc=reliable';

/**
 * -drive for a raw image as the first disk of the board's PIIX3 IDE controller, written through
 * to the file. QEMU's option syntax doubles a comma inside a value.
 */
export function qemuDriveSpec(path: string): string {
  return `file=${path.replaceAll(',', ',,')},format=raw,if=ide,index=0,media=disk`;
}

/**
 * The options that attach a raw image as the guest's first disk on the architecture's board:
 * the first IDE disk on the PC; on the "virt" board (no IDE), a virtio-blk device on the first
 * virtio-mmio transport QEMU fills, the guest's /dev/vda. Written through to the file either way.
 */
export function qemuDiskArgs(arch: Arch, path: string): string[] {
  const disk = archInfo(arch).disk;
  if (disk === 'none') throw new UsageError(`arch ${arch} has no disk controller in its kernel configuration; --disk works on ${ARCHES.filter((a) => archInfo(a).disk !== 'none').join(', ')}`);
  if (disk === 'ide') return ['-drive', qemuDriveSpec(path)];
  return ['-drive', `file=${path.replaceAll(',', ',,')},format=raw,if=none,id=vslab-disk0`, '-device', 'virtio-blk-device,drive=vslab-disk0'];
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

  /** The QEMU argument vector (without the binary). */
  static args(opts: MachineOptions, accel: 'kvm' | 'tcg'): string[] {
    const args = [
      '-nodefaults',
      '-no-user-config',
      '-display', 'none',
      '-monitor', 'none',
      '-serial', 'stdio',
      '-no-reboot',
      ...archInfo(opts.arch).qemuMachine,
      '-m', String(opts.memoryMiB ?? 128),
      '-kernel', opts.kernelPath,
      '-initrd', opts.initrdPath,
      '-append', baseCmdline([machineExtraCmdline(opts.extraCmdline, opts.diskPath !== undefined, opts.arch), accel === 'tcg' && opts.icountShift !== undefined ? ICOUNT_CMDLINE : undefined].filter((p) => p !== undefined && p !== '').join(' '), archInfo(opts.arch).console),
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

  async start(): Promise<void> {
    const bin = QemuMachine.binaryFor(this.opts.arch);
    if ((await which(bin)) === undefined) throw new PrerequisiteError(bin, `Debian package ${archInfo(this.opts.arch).qemuPackage}; run scripts/setup`);
    // 'auto' is decided before a machine is made (harness/accel.ts, session.ts's createMachine).
    const accel = this.opts.accel === 'kvm' ? 'kvm' : 'tcg';
    this.description = `${bin} ${accel}${this.opts.icountShift !== undefined && accel === 'tcg' ? ` icount=${this.opts.icountShift}` : ''}`;
    if (this.opts.consoleLogPath !== undefined) this.consoleLog = createWriteStream(this.opts.consoleLogPath);
    const child = execa('setpriv', ['--pdeathsig', 'KILL', bin, ...QemuMachine.args(this.opts, accel)], {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      encoding: 'buffer',
    });
    this.child = child;
    this.pid = child.pid;
    trackChild(child);
    child.stdout?.on('data', (chunk: Buffer) => this.emit(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.emit(chunk));
    child.stdin?.on('error', () => undefined);
    void child.then((r) => {
      untrackChild(child);
      this.consoleLog?.end();
      this.resolveExit({ code: r.exitCode ?? null, signal: r.signal ?? null, requested: this.stopRequested });
    });
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

  async stop(): Promise<void> {
    if (this.child === undefined) return;
    this.stopRequested = true;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
