/**
 * Runs once before the selftest suites (npm run test:selftests): builds (or finds in the cache)
 * the i386 kernels they compare, the guest image and the selftests themselves, so no test pays for
 * a build inside its own timeout. VSLAB_PREBUILD=none skips it, as for the VM suites.
 */
import { buildGuestImage } from '../../harness/build/guest-image.ts';
import { buildKernel } from '../../harness/build/kernel.ts';
import { buildSelftests } from '../../harness/build/selftests.ts';

export default async function setup(): Promise<void> {
  if (process.env['VSLAB_PREBUILD'] === 'none') return;
  const progress = (m: string): void => {
    process.stderr.write(`[vslab build] ${m}\n`);
  };
  for (const variant of ['vanilla', 'vserver', 'vserver-off'] as const) await buildKernel({ arch: 'i386', variant, progress });
  await buildGuestImage('i386', progress);
  await buildSelftests('i386', progress);
}
