/**
 * What differs between the guest architectures vslab builds and boots, in one table: the
 * kernel's ARCH= and image, the cross compiler for kernel and guest programs, Debian's name for
 * the architecture (busybox-static), the QEMU binary, board and console, and the slot of
 * sys_vserver (ABI.md §2.4). Everything else is shared.
 */
export const ARCHES = ['i386', 'x86_64', 'arm'] as const;
export type Arch = (typeof ARCHES)[number];

export interface ArchInfo {
  /** The kernel's ARCH= for make. */
  kernelArch: string;
  /** make target and its output under the build directory. */
  kernelTarget: string;
  kernelImage: string;
  /** CROSS_COMPILE= prefix for the kernel ('' = the host's gcc), and the Debian package of that compiler. */
  crossPrefix: string;
  kernelCcPackage: string;
  /** C compiler for the static guest programs, and the Debian packages that provide it. */
  guestCc: string;
  guestCcPackages: string;
  /** Debian architecture (busybox-static_…_<this>.deb). */
  debian: string;
  qemu: string;
  qemuPackage: string;
  /** QEMU board and CPU options ([] = the default PC). */
  qemuMachine: string[];
  /** The serial console device the kernel writes to. */
  console: string;
  /** The board has the PC's PIIX3 IDE controller (disk images attach there, as /dev/sda). */
  ide: boolean;
  /** sys_vserver's number (VCISyscall). */
  syscall: number;
}

const INFO: Record<Arch, ArchInfo> = {
  i386: {
    kernelArch: 'i386',
    kernelTarget: 'bzImage',
    kernelImage: 'arch/x86/boot/bzImage',
    crossPrefix: '',
    kernelCcPackage: 'gcc',
    guestCc: 'i686-linux-gnu-gcc',
    guestCcPackages: 'gcc-i686-linux-gnu and libc6-dev-i386-cross',
    debian: 'i386',
    qemu: 'qemu-system-i386',
    qemuPackage: 'qemu-system-x86',
    qemuMachine: [],
    console: 'ttyS0',
    ide: true,
    syscall: 273,
  },
  x86_64: {
    kernelArch: 'x86_64',
    kernelTarget: 'bzImage',
    kernelImage: 'arch/x86/boot/bzImage',
    crossPrefix: '',
    kernelCcPackage: 'gcc',
    guestCc: 'gcc',
    guestCcPackages: 'gcc',
    debian: 'amd64',
    qemu: 'qemu-system-x86_64',
    qemuPackage: 'qemu-system-x86',
    qemuMachine: [],
    console: 'ttyS0',
    ide: true,
    syscall: 236,
  },
  // 32-bit ARMv7, EABI hard-float (Debian armhf), on QEMU's "virt" board with its PL011 UART.
  arm: {
    kernelArch: 'arm',
    kernelTarget: 'zImage',
    kernelImage: 'arch/arm/boot/zImage',
    crossPrefix: 'arm-linux-gnueabihf-',
    kernelCcPackage: 'gcc-arm-linux-gnueabihf',
    guestCc: 'arm-linux-gnueabihf-gcc',
    guestCcPackages: 'gcc-arm-linux-gnueabihf and libc6-dev-armhf-cross',
    debian: 'armhf',
    qemu: 'qemu-system-arm',
    qemuPackage: 'qemu-system-arm',
    qemuMachine: ['-M', 'virt,highmem=off', '-cpu', 'cortex-a15'],
    console: 'ttyAMA0',
    ide: false,
    syscall: 313,
  },
};

export function archInfo(arch: Arch): ArchInfo {
  return INFO[arch];
}

export function isArch(s: string): s is Arch {
  return (ARCHES as readonly string[]).includes(s);
}
