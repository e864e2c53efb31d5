/**
 * Runs once before the architecture suites of tests/arches/ (outside `npm test`): builds (or
 * finds in the cache) the patched kernel and the guest image of every row they boot, so no test
 * pays for a build inside its hook timeout. VSLAB_ARCH=ARCH limits it to that row;
 * VSLAB_PREBUILD=none skips it, and so does the sanitizer run (`npm run test:sanitize` runs
 * x86_64.test.ts on the sanitizer kernel, which the vm project's setup builds).
 */
import { buildGuestImage } from '../../harness/build/guest-image.ts';
import { buildKernel } from '../../harness/build/kernel.ts';
import { sanitizeRun } from '../../harness/sanitize.ts';
import { archFromEnv } from '../../harness/guest.ts';
import type { Arch } from '../../harness/machine/arch.ts';

/** The rows with a file here (tests/arches/<arch>.test.ts). */
export const ARCH_SUITES: readonly Arch[] = ['x86_64', 'arm', 'arm64', 'mipsel', 'mips64el', 'armel', 's390x', 'ppc64el'];

export default async function setup(): Promise<void> {
  if (process.env['VSLAB_PREBUILD'] === 'none' || sanitizeRun()) return;
  const progress = (m: string): void => {
    process.stderr.write(`[vslab build] ${m}\n`);
  };
  const only = archFromEnv();
  for (const arch of only === undefined ? ARCH_SUITES : [only]) {
    await buildKernel({ arch, variant: 'vserver', progress });
    await buildGuestImage(arch, progress);
  }
}
