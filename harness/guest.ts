/**
 * A booted guest: the kernel and image for (arch, variant) from the build cache (built if
 * needed), a Machine on the chosen backend, the splat detector on its console, and a Shell to run
 * commands. `bootGuest()` resolves once the guest's console agent has reported ready (protocol.ts);
 * `close()` ends everything.
 */
import { dirname, join } from 'node:path';
import { appendFile, copyFile, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { putTree } from './console/put.ts';
import { newHash, shortDigest } from './build/hash.ts';
import { pathExists, which } from './host.ts';
import { buildGuestImage, type GuestImage } from './build/guest-image.ts';
import { checkDiskFile } from './disk/image.ts';
import { buildKernel, type KernelArtifact } from './build/kernel.ts';
import type { Variant } from './build/kernel-config.ts';
import type { Progress } from './build/step.ts';
import { Shell } from './console/shell.ts';
import { SplatDetector } from './console/splat-detector.ts';
import { BootTimeoutError, MachineExitedError, ProtocolError, UsageError, type KernelSplatError } from './errors.ts';
import type { Accel, Arch, BackendName, Machine, MachineOptions } from './machine/machine.ts';
import { QemuMachine } from './machine/qemu.ts';
import {
  fileCrc32,
  fileIdentity,
  findSnapshot,
  pruneSnapshots,
  removeSnapshot,
  SNAPSHOT_KEEP,
  touchSnapshot,
  restoreCommand,
  ZERO_FREE_MEMORY_COMMAND,
  SNAPSHOT_FORMAT,
  snapshotEligibility,
  snapshotKey,
  snapshotPaths,
  type SnapshotMeta,
  type SnapshotPaths,
} from './machine/snapshot.ts';
import { ARCHES, isArch } from './machine/arch.ts';
import { resolveAccel } from './accel.ts';
import { SANITIZER_MEMORY_MIB, SANITIZER_TIME_SCALE, SANITIZER_VARIANT } from './sanitize.ts';
import { cacheRoot } from './paths.ts';

export interface BootOptions {
  arch?: Arch;
  /**
   * The guest image's architecture when it differs from the kernel's: an i386 userland on the
   * x86_64 kernel runs through its IA-32 emulation (the sanitizer run, harness/sanitize.ts).
   */
  imageArch?: Arch;
  variant?: Variant;
  /** A kernel built elsewhere (a prefix of the patch series) to boot instead of the variant's. */
  kernel?: KernelArtifact;
  backend?: BackendName;
  accel?: Accel;
  icountShift?: number;
  memoryMiB?: number;
  extraCmdline?: string;
  /** Deadline for reaching the shell, ms (default 60000, scaled by the backend's factor). */
  bootTimeoutMs?: number;
  commandTimeoutMs?: number;
  progress?: Progress;
  /** A raw disk image file, the guest's $VSLAB_DISK (guestDiskDevice()); the guest's writes stay in it. */
  diskPath?: string;
  /**
   * Further newc archives unpacked after the guest image (e.g. the selftests, build/selftests.ts):
   * the kernel reads concatenated archives as one initramfs. Each path must name its content
   * (a content-addressed cache path): the concatenation is cached under a hash of the paths.
   */
  extraInitrds?: string[];
  /**
   * A host directory of the user's own (static) util-vserver binaries: copied to
   * GUEST_TOOLS_DIR, which init puts first in the guest's PATH; its FEATURES.txt, if any,
   * also goes where util-vserver's vserver-info reads it (UTIL_VSERVER_LIBDIRS).
   */
  toolsDir?: string;
  /**
   * Restore a snapshot of this very machine freshly booted instead of booting, and save one after
   * a boot if there is none (harness/machine/snapshot.ts). Default: on for QEMU unless
   * VSLAB_SNAPSHOT=0; never with a disk or -icount. false: a real boot (tests of the boot itself).
   */
  snapshot?: boolean;
}

/** Where --tools DIR lands in the guest (first in PATH, see guest-image/rootfs/init). */
export const GUEST_TOOLS_DIR = '/opt/util-vserver/bin';
/**
 * util-vserver's PKGLIBDIR, where vserver-info - SYSINFO reads FEATURES.txt: $prefix/lib/util-vserver,
 * /usr for distribution packages and /usr/local for a plain ./configure.
 */
export const UTIL_VSERVER_LIBDIRS = ['/usr/lib/util-vserver', '/usr/local/lib/util-vserver'] as const;

async function checkToolsDir(dir: string): Promise<void> {
  let st;
  try {
    st = await stat(dir);
  } catch (err) {
    throw new UsageError(`--tools: ${dir} does not exist`, { cause: err });
  }
  if (!st.isDirectory()) throw new UsageError(`--tools: ${dir} is not a directory`);
}

/** Copies the --tools directory in (and its FEATURES.txt where vserver-info looks). */
async function installTools(shell: Shell, dir: string): Promise<void> {
  await putTree(shell, dir, GUEST_TOOLS_DIR);
  const features = `${GUEST_TOOLS_DIR}/FEATURES.txt`;
  const copies = UTIL_VSERVER_LIBDIRS.map((d) => `mkdir -p ${d} && cp ${features} ${d}/FEATURES.txt`).join(' && ');
  await shell.succeed(`if [ -f ${features} ]; then ${copies}; fi`);
}

export interface Guest {
  machine: Machine;
  shell: Shell;
  splatDetector: SplatDetector;
  kernel: KernelArtifact;
  image: GuestImage;
  /**
   * Milliseconds from starting the emulator to a guest that serves commands: init's ready marker
   * after a boot, the answer to vsrestore after a restore.
   */
  bootMs: number;
  /** True when the guest was restored from a snapshot rather than booted. */
  restored: boolean;
  /** The snapshot key of this machine, when snapshots were in play. */
  snapshotKey?: string;
  /** Path of the full console log. */
  consoleLogPath: string;
  close(): Promise<void>;
}

/** Deadline multiplier per backend: v86 emulates in JavaScript and is slower. */
export function timeScaleFor(backend: BackendName): number {
  return backend === 'v86' ? 4 : 1;
}

/**
 * VSLAB_ARCH=ARCH: the architecture a guest boots when its caller names none (the default is
 * i386), so the architecture-neutral suites run on another row of harness/machine/arch.ts
 * (`npm run test:arm64`). Files that name their architecture keep it.
 */
export function archFromEnv(): Arch | undefined {
  const a = process.env['VSLAB_ARCH'];
  if (a === undefined || a === '') return undefined;
  if (!isArch(a)) throw new UsageError(`VSLAB_ARCH must be one of ${ARCHES.join(', ')}, not "${a}"`);
  return a;
}

export function backendFromEnv(): BackendName {
  const b = process.env['VSLAB_BACKEND'];
  return b === 'v86' ? 'v86' : 'qemu';
}

/** A machine on `backend`; for QEMU, accel "auto" is decided here (harness/accel.ts). */
export async function createMachine(backend: BackendName, opts: MachineOptions): Promise<Machine> {
  if (backend === 'v86') {
    const { V86Machine } = await import('./machine/v86.ts');
    return new V86Machine(opts);
  }
  return new QemuMachine({ ...opts, accel: await resolveAccel(opts) });
}

let bootCounter = 0;
let qmpCounter = 0;

/** The guest image followed by `extra` archives, as one file (cached; `base` alone if none). */
async function joinInitrds(base: string, extra: readonly string[]): Promise<string> {
  if (extra.length === 0) return base;
  const h = newHash();
  for (const p of [base, ...extra]) h.update(`${p}\0`);
  const out = join(cacheRoot(), 'images', 'joined', `${shortDigest(h)}.cpio`);
  if (await pathExists(out)) return out;
  await mkdir(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  await copyFile(base, tmp);
  for (const p of extra) await appendFile(tmp, await readFile(p));
  await rename(tmp, out);
  return out;
}

/** The parts of a guest made before its machine runs: everything but the emulator's state. */
interface GuestPlan {
  backend: BackendName;
  machineOpts: MachineOptions;
  timeScale: number;
  kernel: KernelArtifact;
  image: GuestImage;
  consoleLogPath: string;
  bootTimeoutMs: number;
  opts: BootOptions;
}

/** Deadline for a restored guest's first answer, ms (scaled like the boot's). */
const RESTORE_TIMEOUT_MS = 20_000;

/**
 * Starts `machine` with a splat detector and a Shell on its console and waits until it serves
 * commands: for a boot, the agent's ready marker; for a restore (machineOpts.restoreFrom), the
 * answer to vsrestore (snapshot.ts), which gives the guest its own random seed and clock.
 */
async function startGuest(
  plan: GuestPlan,
  machine: Machine,
  extra: { restored: boolean; snapshotKey?: string; onClose?: () => Promise<void> },
): Promise<Guest> {
  const { opts, timeScale } = plan;
  const splatDetector = new SplatDetector();
  const shell = new Shell(machine, { commandTimeoutMs: opts.commandTimeoutMs, timeScale });
  machine.onData((chunk) => splatDetector.feed(Buffer.from(chunk).toString('latin1')));
  splatDetector.onSplat((err: KernelSplatError) => shell.fail(err));
  let closing = false;
  void machine.exited.then((e) => {
    splatDetector.flush();
    if (!closing && splatDetector.splat === undefined) {
      shell.fail(new MachineExitedError(`${machine.description} ended (status ${e.code ?? '-'}, signal ${e.signal ?? '-'})`, splatDetector.transcript.tail()));
    }
  });
  const started = performance.now();
  try {
    await machine.start();
    if (extra.restored) {
      const r = await shell.run(restoreCommand(), { timeoutMs: RESTORE_TIMEOUT_MS });
      if (r.exitCode !== 0) throw new ProtocolError(`vsrestore failed in the restored guest (status ${r.exitCode}): ${r.stderr.trim()}`);
    } else {
      await shell.waitReady(plan.bootTimeoutMs, () => new BootTimeoutError(plan.bootTimeoutMs * timeScale, splatDetector.transcript.tail()));
    }
    if (opts.toolsDir !== undefined) await installTools(shell, opts.toolsDir);
  } catch (err) {
    closing = true;
    shell.detach();
    splatDetector.dispose();
    await machine.stop();
    await extra.onClose?.();
    throw err;
  }
  const bootMs = performance.now() - started;
  return {
    machine,
    shell,
    splatDetector,
    kernel: plan.kernel,
    image: plan.image,
    bootMs,
    restored: extra.restored,
    snapshotKey: extra.snapshotKey,
    consoleLogPath: plan.consoleLogPath,
    async close() {
      closing = true;
      shell.detach();
      splatDetector.dispose();
      await machine.stop();
      await extra.onClose?.();
    },
  };
}

/** A line in the guest's console log from the harness (not from the guest). */
async function logNote(plan: GuestPlan, note: string): Promise<void> {
  await appendFile(plan.consoleLogPath, `\r\n[vslab] ${note}\r\n`);
}

/** A machine that can save its state (saveState), and what to do once it is closed. */
interface SavingMachine {
  machine: Machine & { saveState(path: string): Promise<void>; flushConsoleLog(): Promise<void> };
  onClose?: () => Promise<void>;
}

/** How one backend makes the machines of a snapshot: its key, a booting one, a restored one. */
interface SnapshotBackend {
  key: string;
  booting(): Promise<SavingMachine>;
  restoring(state: string): Promise<{ machine: Machine; onClose?: () => Promise<void> }>;
}

/**
 * The snapshot backend for this boot, or undefined when the emulator is not there (the boot
 * then reports the missing emulator itself). The key covers the emulator's files and every
 * option the state depends on (snapshot.ts).
 */
async function snapshotBackend(backend: BackendName, machineOpts: MachineOptions, kernel: string, initrd: string): Promise<SnapshotBackend | undefined> {
  // The emulator's own files by their real path (a package update replaces them), the images as named.
  const ids = async (emulator: string[]) => [
    ...(await Promise.all(emulator.map(async (p) => fileIdentity(await realpath(p))))),
    await fileIdentity(kernel),
    await fileIdentity(initrd),
  ];
  if (backend === 'v86') {
    const { V86Machine, v86EmulatorFiles, v86StateArgs } = await import('./machine/v86.ts');
    const key = snapshotKey({ backend, files: await ids(v86EmulatorFiles()), args: v86StateArgs(machineOpts) });
    return {
      key,
      booting: () => Promise.resolve({ machine: new V86Machine(machineOpts) }),
      restoring: (state) => Promise.resolve({ machine: new V86Machine({ ...machineOpts, restoreFrom: state }) }),
    };
  }
  const accel = await resolveAccel(machineOpts);
  const bin = await which(QemuMachine.binaryFor(machineOpts.arch));
  if (bin === undefined) return undefined;
  const key = snapshotKey({ backend, files: await ids([bin]), args: QemuMachine.args({ ...machineOpts, accel }, accel) });
  const withSocket = (extra: Partial<MachineOptions>) => {
    const qmpSocketPath = newQmpSocketPath();
    return { machine: new QemuMachine({ ...machineOpts, ...extra, accel, qmpSocketPath }), onClose: () => rm(qmpSocketPath, { force: true }) };
  };
  return {
    key,
    booting: () => Promise.resolve(withSocket({})),
    restoring: (state) => Promise.resolve(withSocket({ restoreFrom: state })),
  };
}

/**
 * Restores the snapshot `found`. The console log starts with the log of the boot the snapshot
 * was taken from, then a note, then what the restored guest prints.
 */
async function restoreGuest(plan: GuestPlan, snap: SnapshotBackend, found: { paths: SnapshotPaths; meta: SnapshotMeta }): Promise<Guest> {
  const key = snap.key;
  await copyFile(found.paths.bootLog, plan.consoleLogPath).catch(() => undefined);
  await logNote(
    plan,
    `restored from snapshot ${key} (saved ${found.meta.savedAt} after a boot of ${found.meta.bootMs.toFixed(0)} ms); the boot's console is above`,
  );
  const { machine, onClose } = await snap.restoring(found.paths.state);
  // The checksum is taken while the emulator loads the same file; a mismatch ends the machine at once
  // (whatever the damaged guest is doing) and the restore fails.
  let mismatch: string | undefined;
  const crc = fileCrc32(found.paths.state).then(
    (sum) => (sum === found.meta.crc32 ? undefined : `${sum.toString(16)}, saved ${found.meta.crc32.toString(16)}`),
    (err: unknown) => `unreadable: ${err instanceof Error ? err.message : String(err)}`,
  );
  void crc.then((m) => {
    if (m === undefined) return;
    mismatch = m;
    void machine.stop();
  });
  const damaged = (): ProtocolError => new ProtocolError(`snapshot state does not match its checksum (${mismatch ?? '?'})`);
  let guest: Guest;
  try {
    guest = await startGuest(plan, machine, { restored: true, snapshotKey: key, onClose });
  } catch (err) {
    await crc;
    throw mismatch !== undefined ? damaged() : err;
  }
  if ((await crc) !== undefined) {
    await guest.close();
    throw damaged();
  }
  return guest;
}

/** A fresh path for a QEMU machine's QMP socket (short: unix socket paths hold 107 bytes). */
function newQmpSocketPath(): string {
  qmpCounter += 1;
  return join(tmpdir(), `vslab-qmp-${process.pid}-${qmpCounter}.sock`);
}

/**
 * Saves a freshly booted guest's state as the snapshot `key`: state file, the boot's console
 * log and the description are written into a private directory, which is then renamed into
 * place, so a snapshot appears whole or not at all. If another process (or guest) saved the same
 * key meanwhile, its snapshot stays and ours is dropped: both describe the same machine.
 * Returns the time taken, ms, and whether ours is the one kept.
 */
async function saveSnapshot(guest: Guest, machine: SavingMachine['machine'], key: string, bootLogStart: number): Promise<{ ms: number; kept: boolean }> {
  const paths = snapshotPaths(key);
  const t0 = performance.now();
  const tmp = snapshotPaths(key, cacheRoot(), `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp.dir, { recursive: true });
  try {
    await guest.shell.succeed(ZERO_FREE_MEMORY_COMMAND);
    await machine.saveState(tmp.state);
    const meta: SnapshotMeta = {
      format: SNAPSHOT_FORMAT,
      key,
      bytes: (await stat(tmp.state)).size,
      crc32: await fileCrc32(tmp.state),
      machine: machine.description,
      savedAt: new Date().toISOString(),
      bootMs: guest.bootMs,
    };
    await machine.flushConsoleLog();
    // Only this boot's part of the log (after a failed restore, notes and the old log precede it).
    await writeFile(tmp.bootLog, (await readFile(guest.consoleLogPath)).subarray(bootLogStart));
    await writeFile(tmp.meta, `${JSON.stringify(meta, null, 2)}\n`);
    const kept = await rename(tmp.dir, paths.dir).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOTEMPTY' || err.code === 'EEXIST') return false;
        throw err;
      },
    );
    return { ms: performance.now() - t0, kept };
  } finally {
    await rm(tmp.dir, { recursive: true, force: true });
  }
}

export async function bootGuest(opts: BootOptions = {}): Promise<Guest> {
  const arch = opts.arch ?? 'i386';
  const variant = opts.variant ?? 'vserver';
  const backend = opts.backend ?? backendFromEnv();
  const progress = opts.progress ?? (() => undefined);
  if (opts.diskPath !== undefined) await checkDiskFile(opts.diskPath);
  if (opts.toolsDir !== undefined) await checkToolsDir(opts.toolsDir);
  const extraCmdline = [opts.extraCmdline, opts.toolsDir !== undefined ? `vslab.tools=${GUEST_TOOLS_DIR}` : undefined]
    .filter((s): s is string => s !== undefined)
    .join(' ');
  const [kernel, image] = await Promise.all([opts.kernel ?? buildKernel({ arch, variant, progress }), buildGuestImage(opts.imageArch ?? arch, progress)]);
  const initrdPath = await joinInitrds(image.path, opts.extraInitrds ?? []);
  const logDir = join(cacheRoot(), 'logs', 'console');
  await mkdir(logDir, { recursive: true });
  bootCounter += 1;
  const consoleLogPath = join(logDir, `${arch}-${variant}-${backend}-${process.pid}-${bootCounter}.log`);
  await writeFile(consoleLogPath, '');
  const machineOpts: MachineOptions = {
    arch,
    kernelPath: kernel.image,
    initrdPath,
    memoryMiB: opts.memoryMiB ?? (variant === SANITIZER_VARIANT ? SANITIZER_MEMORY_MIB : undefined),
    extraCmdline: extraCmdline === '' ? undefined : extraCmdline,
    accel: opts.accel,
    icountShift: opts.icountShift,
    consoleLogPath,
    diskPath: opts.diskPath,
  };
  const plan: GuestPlan = {
    backend,
    machineOpts,
    timeScale: timeScaleFor(backend) * (variant === SANITIZER_VARIANT ? SANITIZER_TIME_SCALE : 1),
    kernel,
    image,
    consoleLogPath,
    bootTimeoutMs: opts.bootTimeoutMs ?? 60_000,
    opts,
  };
  const eligible = snapshotEligibility({
    backend,
    arch,
    requested: opts.snapshot,
    env: process.env['VSLAB_SNAPSHOT'],
    diskPath: opts.diskPath,
    icountShift: opts.icountShift,
  });
  if (!eligible.use) return startGuest(plan, await createMachine(backend, machineOpts), { restored: false });

  const snap = await snapshotBackend(backend, machineOpts, kernel.image, initrdPath);
  if (snap === undefined) return startGuest(plan, await createMachine(backend, machineOpts), { restored: false });
  const key = snap.key;
  const found = await findSnapshot(key);
  if (found.found) {
    try {
      const guest = await restoreGuest(plan, snap, found);
      progress(`snapshot ${key}: guest restored in ${guest.bootMs.toFixed(0)} ms`);
      await touchSnapshot(found.paths).catch(() => undefined);
      return guest;
    } catch (err) {
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      progress(`snapshot ${key}: restore failed (${why}); booting instead`);
      await logNote(plan, `restore from snapshot ${key} failed (${why}); booting instead, the snapshot is replaced`);
      await removeSnapshot(key);
    }
  } else {
    if (found.stale) await removeSnapshot(key);
    progress(`snapshot ${key}: ${found.reason}; booting`);
  }
  const bootLogStart = (await stat(consoleLogPath)).size;
  const { machine, onClose } = await snap.booting();
  const guest = await startGuest(plan, machine, { restored: false, snapshotKey: key, onClose });
  if (guest.splatDetector.splat === undefined && guest.shell.failed === undefined && opts.toolsDir === undefined) {
    try {
      const saved = await saveSnapshot(guest, machine, key, bootLogStart);
      progress(`snapshot ${key}: ${saved.kept ? 'saved' : 'saved meanwhile by another boot, ours dropped'} in ${saved.ms.toFixed(0)} ms`);
    } catch (err) {
      progress(`snapshot ${key}: not saved (${err instanceof Error ? err.message : String(err)})`);
    }
    const pruned = await pruneSnapshots().catch((err: unknown) => {
      progress(`snapshots: not pruned (${err instanceof Error ? err.message : String(err)})`);
      return [];
    });
    if (pruned.length > 0)
      progress(`snapshots: ${pruned.length} unused for ${SNAPSHOT_KEEP.unusedDays} days or beyond the newest ${SNAPSHOT_KEEP.count} removed`);
  }
  return guest;
}
