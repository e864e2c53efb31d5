/**
 * The s390x kernel (64-bit z/Architecture, big-endian; Debian s390x user space; QEMU's
 * s390-ccw-virtio machine under TCG, SCLP VT220 console): sys_vserver in s390's slot 263, every
 * struct word big-endian — the row where a little-endian encoder would show. The suite is
 * row-suite.ts'; `npm run test:s390x` runs it and the neutral ABI files on s390x.
 */
import { defineRowSuite } from './row-suite.ts';

defineRowSuite({ arch: 's390x', machine: 's390x' });
