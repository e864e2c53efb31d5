/**
 * The arm64 kernel (64-bit ARMv8, Debian arm64 user space, QEMU's virt board with a Cortex-A57,
 * the first SMP row): sys_vserver in the number we chose for it (244: the generic table has no
 * vserver slot; kernel-patch/README.md), found at run time by tools whose C library names none;
 * armhf programs through the AArch32 COMPAT entry in arm's slot 313. The suite is row-suite.ts';
 * `npm run test:arm64` runs it and the neutral ABI files on arm64.
 */
import { defineRowSuite } from './row-suite.ts';

defineRowSuite({ arch: 'arm64', machine: 'aarch64' });
