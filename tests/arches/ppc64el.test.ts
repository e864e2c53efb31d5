/**
 * The ppc64el kernel (64-bit POWER, little-endian ELFv2; Debian ppc64el user space; QEMU's pseries
 * machine with a POWER9 under TCG, hvc0 console, 64 KiB pages): sys_vserver in powerpc's slot 257.
 * The suite is row-suite.ts'; `npm run test:ppc64el` runs it and the neutral ABI files on ppc64el.
 */
import { defineRowSuite } from './row-suite.ts';

defineRowSuite({ arch: 'ppc64el', machine: 'ppc64le' });
