/**
 * Test fixtures: one booted guest per test file. `useGuest()` boots in beforeAll and closes in
 * afterAll; after every test it fails the test if the kernel printed a splat (BUG, WARNING,
 * Oops, lockdep, panic) during it.
 *
 * With `disk`, beforeAll first builds that ext2 image (cached) and gives the guest a fresh
 * working copy of it as /dev/sda; `diskPath` names the copy, which keeps the guest's writes, and
 * `restart()` boots a new guest on the same copy (a reboot that keeps the disk).
 *
 * VSLAB_ARCH=ARCH boots the guests of files that name no architecture on ARCH instead of i386
 * (harness/guest.ts archFromEnv; `npm run test:arm64` runs the neutral ABI suite so).
 *
 * VSLAB_ICOUNT=SHIFT runs the guests under QEMU's -icount, so guest time counts instructions and
 * measured shares repeat from run to run.
 *
 * VSLAB_SANITIZE=1 (npm run test:sanitize) boots the patched guests on the x86_64 sanitizer
 * kernel (harness/sanitize.ts) and, on it, fails the file on any kmemleak report: a baseline scan
 * after every boot, a check before every stop.
 */
import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Variant } from '../harness/build/kernel-config.ts';
import { buildExt2Image, workingCopy, type Ext2ImageSpec } from '../harness/disk/image.ts';
import { kmemleakBaseline, kmemleakCheck, sanitizedChoice, sanitizeRun, SANITIZER_TIME_SCALE, SANITIZER_VARIANT } from '../harness/sanitize.ts';
import { archFromEnv, backendFromEnv, bootGuest, timeScaleFor, type BootOptions, type Guest } from '../harness/guest.ts';
import type { RunOptions, RunResult } from '../harness/console/shell.ts';

export const backend = backendFromEnv();
/** Timeouts for v86 and for the sanitizer run scale by this one factor (harness/guest.ts, harness/sanitize.ts). */
export const timeScale = timeScaleFor(backend) * (sanitizeRun() ? SANITIZER_TIME_SCALE : 1);

export interface GuestHandle {
  readonly guest: Guest;
  /** Runs a shell line in the guest: status and output, never throws on a non-zero exit (Shell.run). */
  run(command: string, opts?: RunOptions): Promise<RunResult>;
  /** Runs a shell line in the guest and throws CommandFailedError unless it exits 0 (Shell.succeed). */
  succeed(command: string, opts?: RunOptions): Promise<RunResult>;
  /** The guest's disk image (a working copy), when `disk` was given. */
  readonly diskPath: string;
  /** Closes the guest and boots a new one with the same options and disk. */
  restart(): Promise<void>;
  /** Closes the guest (the disk image keeps its writes); `guest` is unusable until restart(). */
  stop(): Promise<void>;
}

export interface GuestFixtureOptions extends BootOptions {
  variant?: Variant;
  /** Attach an ext2 image with this content as /dev/sda (/dev/vda on arm64: guestDiskDevice()). */
  disk?: Ext2ImageSpec;
}

/** VSLAB_ICOUNT=SHIFT boots every guest of the run with QEMU's -icount (deterministic guest time). */
function icountFromEnv(): number | undefined {
  const v = process.env['VSLAB_ICOUNT'];
  if (v === undefined || v === '') return undefined;
  const shift = Number(v);
  if (!Number.isInteger(shift) || shift < 0 || shift > 10) throw new Error(`VSLAB_ICOUNT must be a shift 0..10, not ${v}`);
  return shift;
}

export function useGuest(opts: GuestFixtureOptions = {}): GuestHandle {
  const envArch = opts.arch ?? archFromEnv();
  const { disk, ...chosen } = sanitizedChoice(envArch === undefined ? opts : { ...opts, arch: envArch });
  const bootOpts = { ...chosen, icountShift: chosen.icountShift ?? icountFromEnv() };
  const leakChecked = bootOpts.variant === SANITIZER_VARIANT;
  let guest: Guest | undefined;
  let diskPath: string | undefined;
  const boot = async (): Promise<void> => {
    guest = await bootGuest({ backend, ...bootOpts, diskPath });
    if (leakChecked) await kmemleakBaseline(guest.shell);
  };
  const stop = async (): Promise<void> => {
    const g = guest;
    guest = undefined;
    try {
      // A guest that already reported a splat is past asking; the splat is the failure.
      if (leakChecked && g !== undefined && g.splatDetector.splat === undefined) await kmemleakCheck(g.shell);
    } finally {
      await g?.close();
    }
    // afterEach no longer sees this guest: a splat it printed fails whoever stopped it.
    const splat = g?.splatDetector.splat;
    if (splat !== undefined) throw splat;
  };
  beforeAll(async () => {
    if (disk !== undefined) diskPath = await workingCopy(await buildExt2Image(disk));
    await boot();
  }, 300_000 * timeScale);
  afterEach(() => {
    const splat = guest?.splatDetector.splat;
    if (splat !== undefined) throw splat;
  });
  afterAll(async () => {
    await stop();
    if (diskPath !== undefined) await rm(diskPath, { force: true });
  });
  const booted = (): Guest => {
    if (guest === undefined) throw new Error('guest not booted');
    return guest;
  };
  return {
    get guest(): Guest {
      return booted();
    },
    run: (command, runOpts) => booted().shell.run(command, runOpts),
    succeed: (command, runOpts) => booted().shell.succeed(command, runOpts),
    get diskPath(): string {
      if (diskPath === undefined) throw new Error('no disk: useGuest() was called without `disk`');
      return diskPath;
    },
    async restart() {
      await stop();
      await boot();
    },
    stop,
  };
}
