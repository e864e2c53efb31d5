/**
 * The mipsel kernel (32-bit little-endian MIPS, Debian mipsel's o32 user space, QEMU's Malta
 * board with a 24Kf): sys_vserver in o32's slot 277 (4277), MIPS's own RLIMIT_* numbers and ioctl
 * encoding, the disk on the PIIX4's IDE function. The suite is row-suite.ts'; `npm run
 * test:mipsel` runs it and the neutral ABI files on mipsel.
 */
import { defineRowSuite } from './row-suite.ts';

defineRowSuite({ arch: 'mipsel', machine: 'mips' });
