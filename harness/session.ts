/**
 * A booted guest: the kernel and image for (arch, variant) from the build cache (built if
 * needed), a Machine on the chosen backend, the watchdog on its console, and a Shell to run
 * commands. `bootGuest()` resolves once the guest's console agent has reported ready (protocol.ts);
 * `close()` ends everything.
 */
import { dirname, join } from 'node:path';
import { appendFile, copyFile, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { putTree } from './console/put.ts';
import { newHash, shortDigest } from './build/hash.ts';
import { pathExists } from './host.ts';
import { buildGuestImage, type GuestImage } from './build/guest-image.ts';
import { checkDiskFile } from './disk/image.ts';
import { buildKernel, type KernelArtifact } from './build/kernel.ts';
import type { Variant } from './build/kernel-config.ts';
import type { Progress } from './build/step.ts';
import { Shell } from './console/shell.ts';
import { Watchdog } from './console/watchdog.ts';
import { BootTimeoutError, MachineExitedError, UsageError, type GuestPanicError } from './errors.ts';
import type { Accel, Arch, BackendName, Machine, MachineOptions } from './machine/machine.ts';
import { QemuMachine } from './machine/qemu.ts';
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
  backend?: BackendName;
  accel?: Accel;
  icountShift?: number;
  memoryMiB?: number;
  extraCmdline?: string;
  /** Deadline for reaching the shell, ms (default 60000, scaled by the backend's factor). */
  bootTimeoutMs?: number;
  commandTimeoutMs?: number;
  progress?: Progress;
  /** A raw disk image file, the guest's /dev/sda; the guest's writes stay in it. */
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
  watchdog: Watchdog;
  kernel: KernelArtifact;
  image: GuestImage;
  /** Milliseconds from starting the emulator to init's ready marker. */
  bootMs: number;
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
  const kernel = await buildKernel({ arch, variant, progress });
  const image = await buildGuestImage(opts.imageArch ?? arch, progress);
  const initrdPath = await joinInitrds(image.path, opts.extraInitrds ?? []);
  const logDir = join(cacheRoot(), 'logs', 'console');
  await mkdir(logDir, { recursive: true });
  bootCounter += 1;
  const consoleLogPath = join(logDir, `${arch}-${variant}-${backend}-${process.pid}-${bootCounter}.log`);
  const machine = await createMachine(backend, {
    arch,
    kernelPath: kernel.image,
    initrdPath,
    memoryMiB: opts.memoryMiB ?? (variant === SANITIZER_VARIANT ? SANITIZER_MEMORY_MIB : undefined),
    extraCmdline: extraCmdline === '' ? undefined : extraCmdline,
    accel: opts.accel,
    icountShift: opts.icountShift,
    consoleLogPath,
    diskPath: opts.diskPath,
  });
  const timeScale = timeScaleFor(backend) * (variant === SANITIZER_VARIANT ? SANITIZER_TIME_SCALE : 1);
  const watchdog = new Watchdog();
  const shell = new Shell(machine, { commandTimeoutMs: opts.commandTimeoutMs, timeScale });
  machine.onData((chunk) => watchdog.feed(Buffer.from(chunk).toString('latin1')));
  watchdog.onSplat((err: GuestPanicError) => shell.fail(err));
  let closing = false;
  void machine.exited.then((e) => {
    watchdog.flush();
    if (!closing && watchdog.splat === undefined) {
      shell.fail(new MachineExitedError(`${machine.description} ended (status ${e.code ?? '-'}, signal ${e.signal ?? '-'})`, watchdog.transcript.tail()));
    }
  });
  const started = performance.now();
  await machine.start();
  try {
    await shell.waitReady(opts.bootTimeoutMs ?? 60_000, () => new BootTimeoutError((opts.bootTimeoutMs ?? 60_000) * timeScale, watchdog.transcript.tail()));
    if (opts.toolsDir !== undefined) await installTools(shell, opts.toolsDir);
  } catch (err) {
    await machine.stop();
    throw err;
  }
  const bootMs = performance.now() - started;
  return {
    machine,
    shell,
    watchdog,
    kernel,
    image,
    bootMs,
    consoleLogPath,
    async close() {
      closing = true;
      shell.detach();
      watchdog.dispose();
      await machine.stop();
    },
  };
}
