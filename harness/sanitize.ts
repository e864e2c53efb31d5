/**
 * The sanitizer run (`npm run test:sanitize`): VSLAB_SANITIZE=1 boots every guest that a suite
 * asks for on our patch (vserver or vserver-debug, i386 or x86_64) on the x86_64 `vserver-kasan`
 * kernel instead (KASAN, KFENCE, UBSAN, kmemleak, DEBUG_VM, lockdep; kasan.config). KASAN, KFENCE
 * and UBSAN print their reports on the console, where the splat detector fails the running test;
 * kmemleak only finds leaks when asked, so the fixture scans once after boot (and marks what boot
 * itself left as seen) and again when the file's guest is stopped: any new suspected leak fails
 * the file, with kmemleak's own report (the object and its allocation backtrace).
 */
import type { Variant } from './build/kernel-config.ts';
import type { Shell } from './console/shell.ts';
import { KernelSplatError } from './errors.ts';
import type { Arch } from './machine/machine.ts';

export const SANITIZER_VARIANT: Variant = 'vserver-kasan';
/** KASAN's shadow (1/8 of memory), its quarantine, kmemleak's and lockdep's tables need room. */
export const SANITIZER_MEMORY_MIB = 512;

/**
 * Deadline multiplier for the sanitizer kernel (as for v86, harness/guest.ts): every memory
 * access checked against KASAN's shadow, lockdep and kmemleak bookkeeping on every lock and
 * allocation make it several times slower than the vserver kernel under the same emulation.
 */
export const SANITIZER_TIME_SCALE = 4;

/** Whether this run boots patched guests on the sanitizer kernel (VSLAB_SANITIZE=1). */
export function sanitizeRun(): boolean {
  return process.env['VSLAB_SANITIZE'] === '1';
}

export interface GuestChoice {
  arch?: Arch;
  imageArch?: Arch;
  variant?: Variant;
  memoryMiB?: number;
}

/**
 * The (arch, variant) a suite's guest boots on in this run: unchanged normally; on a sanitize
 * run, our patch with vserver on (the default variant, vserver, vserver-debug) on i386 or x86_64
 * becomes x86_64/vserver-kasan. The control kernels (vanilla, vserver-off) and other
 * architectures stay as asked: they are what the patched kernel is compared with, not what is
 * being sanitized. The guest keeps the userland it asked for: an i386 suite runs its i386 tools
 * on the 64-bit kernel through IA-32 emulation (the compat entry, slot 273, and every layout the
 * i386 assertions check), an x86_64 suite its 64-bit ones.
 */
export function sanitizedChoice<T extends GuestChoice>(opts: T): T {
  if (!sanitizeRun()) return opts;
  const variant = opts.variant ?? 'vserver';
  const arch = opts.arch ?? 'i386';
  if ((variant !== 'vserver' && variant !== 'vserver-debug') || (arch !== 'i386' && arch !== 'x86_64')) return opts;
  return { ...opts, arch: 'x86_64', imageArch: arch, variant: SANITIZER_VARIANT, memoryMiB: Math.max(opts.memoryMiB ?? 0, SANITIZER_MEMORY_MIB) };
}

const KMEMLEAK = '/sys/kernel/debug/kmemleak';
const MOUNT_DEBUGFS = `grep -q ' /sys/kernel/debug debugfs ' /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug`;

/**
 * Scans for leaks now and marks every current suspect as reported, so a later check sees only
 * what leaked after this point (the objects boot itself leaves unreferenced are not ours).
 */
export async function kmemleakBaseline(shell: Shell): Promise<void> {
  await shell.succeed(`${MOUNT_DEBUGFS} && echo scan > ${KMEMLEAK} && echo clear > ${KMEMLEAK}`, { timeoutMs: 300_000 });
}

/**
 * Waits out kmemleak's minimum object age (5 s: younger objects are never reported), scans twice
 * (kmemleak's own advice: an object whose only pointer was in flight during one scan is not
 * reported by the next) and fails with kmemleak's report if anything new is unreferenced.
 */
export async function kmemleakCheck(shell: Shell): Promise<void> {
  const scan = `echo scan > ${KMEMLEAK}`;
  const r = await shell.succeed(`${MOUNT_DEBUGFS} && sleep 6 && ${scan} && sleep 1 && ${scan} && cat ${KMEMLEAK}`, { timeoutMs: 300_000 });
  const report = r.stdout.trim();
  if (report === '') return;
  const first = /^unreferenced object .*$/m.exec(report)?.[0] ?? report.split('\n')[0] ?? '';
  throw new KernelSplatError('kmemleak', first, report.split('\n').slice(0, 80).join('\n'));
}
