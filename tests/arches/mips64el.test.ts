/**
 * The mips64el kernel (MIPS64r2, Debian mips64el's n64 user space, QEMU's Malta board with the
 * MIPS64R2-generic CPU): sys_vserver in n64's slot 236 (5236), Debian mipsel's o32 programs
 * through the o32 compat entry (4277) with the struct translations. The suite is row-suite.ts';
 * `npm run test:mips64el` runs it and the neutral ABI files on mips64el.
 */
import { defineRowSuite } from './row-suite.ts';

defineRowSuite({ arch: 'mips64el', machine: 'mips64' });
