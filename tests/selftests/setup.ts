/**
 * Runs once before the selftest suites (npm run test:selftests): builds (or finds in the cache)
 * the kernels they compare, the guest image and the selftests themselves, so no test pays for a
 * build inside its own timeout — for i386, or for the architecture VSLAB_ARCH names (x86_64).
 * VSLAB_PREBUILD=none skips it, as for the VM suites.
 */
import { buildGuestImage } from '../../harness/build/guest-image.ts';
import { buildKernel } from '../../harness/build/kernel.ts';
import { buildSelftests } from '../../harness/build/selftests.ts';
import { archFromEnv } from '../../harness/guest.ts';

export default async function setup(): Promise<void> {
  if (process.env['VSLAB_PREBUILD'] === 'none') return;
  const arch = archFromEnv() ?? 'i386';
  const progress = (m: string): void => {
    process.stderr.write(`[vslab build] ${m}\n`);
  };
  for (const variant of ['vanilla', 'vserver', 'vserver-off'] as const) await buildKernel({ arch, variant, progress });
  await buildGuestImage(arch, progress);
  await buildSelftests(arch, progress);
}
