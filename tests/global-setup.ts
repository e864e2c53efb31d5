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
  for (const variant of VARIANTS) await buildKernel({ arch: 'i386', variant, progress });
  await buildGuestImage('i386', progress);
  // x86_64: the patched kernel only (tests/abi/x86_64.test.ts: slot 236 and the IA-32 compat entry).
  await buildKernel({ arch: 'x86_64', variant: 'vserver', progress });
  await buildGuestImage('x86_64', progress);
  // arm (32-bit ARMv7, QEMU virt): the patched kernel only (tests/abi/arm.test.ts: slot 313, the examples).
  await buildKernel({ arch: 'arm', variant: 'vserver', progress });
  await buildGuestImage('arm', progress);
}
