/**
 * Runs once before the VM tests: builds (or finds in the cache) every kernel variant the tests
 * boot and the guest image, so no test pays for a build inside its own timeout.
 *
 * VSLAB_PREBUILD=none skips this (a developer running one test file: bootGuest builds what that
 * file boots on demand, at the cost of the build happening inside the first test's hook timeout).
 */
import { buildGuestImage } from '../harness/build/guest-image.ts';
import { buildKernel } from '../harness/build/kernel.ts';
import { VARIANTS } from '../harness/build/kernel-config.ts';
import { sanitizeRun, SANITIZER_VARIANT } from '../harness/sanitize.ts';
import { lockDebugVariant } from './kernels.ts';

export default async function setup(): Promise<void> {
  if (process.env['VSLAB_PREBUILD'] === 'none') return;
  const progress = (m: string): void => {
    process.stderr.write(`[vslab build] ${m}\n`);
  };
  if (sanitizeRun()) {
    // npm run test:sanitize: the sanitizer kernel, both userlands it runs, and the i386 control
    // kernels the suites compare it with (harness/sanitize.ts).
    await buildKernel({ arch: 'x86_64', variant: SANITIZER_VARIANT, progress });
    for (const variant of ['vanilla', 'vserver-off'] as const) await buildKernel({ arch: 'i386', variant, progress });
    await buildGuestImage('i386', progress);
    await buildGuestImage('x86_64', progress);
    return;
  }
  // The i386 kernels npm test boots: vserver, vanilla and vserver-off (the baselines every parity
  // check and the security battery's controls run on); the lock-debugging kernel only for
  // `npm run test:debug` (tests/kernels.ts). x86_64, arm and the other rows have their
  // own suites and setup (tests/arches/, npm run test:x86_64 and the like).
  const lockDebug = lockDebugVariant() === 'vserver-debug';
  for (const variant of VARIANTS) {
    if (variant !== 'vserver-debug' || lockDebug) await buildKernel({ arch: 'i386', variant, progress });
  }
  await buildGuestImage('i386', progress);
}
