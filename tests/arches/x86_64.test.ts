/**
 * The x86_64 kernel (QEMU's PC, ttyS0, the disk on the PIIX3's IDE): sys_vserver in slot 236 for
 * 64-bit tasks, and the IA-32 compat entry in slot 273 of the 32-bit table for i386 programs (the
 * i386 build of the tools, whose u64 members sit at 4-byte offsets). The suite is row-suite.ts';
 * `npm run test:x86_64` runs it and the neutral ABI files on x86_64, `npm run test:sanitize` on
 * the sanitizer kernel.
 */
import { defineRowSuite } from './row-suite.ts';

defineRowSuite({ arch: 'x86_64', machine: 'x86_64' });
