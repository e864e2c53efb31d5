/**
 * The armel kernel (Debian armel's EABI soft-float user space, ARMv5TE code, on QEMU's virt
 * board with a Cortex-A15, an ARMv7 kernel without VFP; kernel-patch/config/armel.config):
 * sys_vserver in arm's slot 313, EABI's layouts (the float ABI changes no vserver struct). The
 * suite is row-suite.ts', with the check that the programs really are soft-float; `npm run
 * test:armel` runs it and the neutral ABI files on armel.
 */
import { expect, it } from 'vitest';
import { defineRowSuite } from './row-suite.ts';

defineRowSuite({
  arch: 'armel',
  machine: 'armv7l',
  extra: (h) => {
    it("runs Debian armel's soft-float EABI programs on a kernel without VFP", async () => {
      // e_flags: EABI version 5, EF_ARM_ABI_FLOAT_SOFT (0x200), not armhf's FLOAT_HARD (0x400).
      for (const bin of ['/usr/lib/vslab/vstool', '/bin/busybox']) {
        expect((await h.succeed(`od -An -tx4 -j36 -N4 ${bin}`)).stdout.trim(), bin).toBe('05000200');
      }
      expect((await h.succeed('grep -c -w vfp /proc/cpuinfo || true')).stdout.trim()).toBe('0');
    });
  },
});
