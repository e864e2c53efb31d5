/**
 * The arm kernel (32-bit ARMv7, Debian armhf user space, QEMU's virt board with a Cortex-A15):
 * sys_vserver in the slot arm has kept for it (313), EABI's layouts (u64 members 8-byte aligned,
 * unlike i386), the disk image as virtio-blk on the board's virtio-mmio transport. The suite is
 * row-suite.ts'; `npm run test:arm` runs it and the neutral ABI files on arm.
 */
import { defineRowSuite } from './row-suite.ts';

defineRowSuite({ arch: 'arm', machine: 'armv7l' });
