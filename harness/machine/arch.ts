/**
 * What differs between the guest architectures vslab builds and boots, in one table: the
 * kernel's ARCH= and image, the cross compiler for kernel and guest programs, Debian's name for
 * the architecture (busybox-static), the QEMU binary, board and console, and the slot of
 * sys_vserver (ABI.md §2.4). Everything else is shared.
 */
export const ARCHES = ['i386', 'x86_64', 'arm', 'arm64', 'mipsel', 'mips64el', 'armel', 's390x', 'ppc64el'] as const;
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
  /**
   * The GNU toolchain whose gcc, ar and strip (`<prefix>gcc`, …) link static programs against
   * Debian's glibc for this architecture (the kernel's selftests, build/selftests.ts, name the
   * compiler by it, as the selftests' own CROSS_COMPILE= does), and Debian's multiarch directory
   * (/usr/lib/<multiarch>) where the -dev packages put their static libraries.
   */
  gnuPrefix: string;
  multiarch: string;
  /** tools/' ARCH= (tools/testing/selftests): "x86" for both x86 flavours, the word size is the compiler's. */
  toolsArch: string;
  /** Debian architecture (busybox-static_…_<this>.deb). */
  debian: string;
  qemu: string;
  qemuPackage: string;
  /** KVM can run it on an x86 host (otherwise QEMU always emulates: TCG). */
  kvm: boolean;
  /** QEMU board and CPU options ([] = the default PC). */
  qemuMachine: string[];
  /** The serial console device the kernel writes to. */
  console: string;
  /**
   * Guest RAM when the caller names none (MiB; default 128). pseries takes memory in 256 MiB
   * blocks only ("Memory size … is not aligned to 256 MiB").
   */
  memoryMiB?: number;
  /**
   * Where a disk image (--disk) attaches: 'ide', the first IDE disk (/dev/sda) on the PC's PIIX3
   * or the Malta's PIIX4 IDE function,
   * 'virtio-mmio', a virtio-blk device on one of the "virt" board's virtio-mmio transports (/dev/vda;
   * the config fragment brings VIRTIO_MMIO and VIRTIO_BLK), 'virtio-ccw', a virtio-blk device on
   * s390's channel subsystem (/dev/vda; S390_GUEST), 'virtio-pci', a virtio-blk PCI function
   * (/dev/vda; PCI + VIRTIO_PCI), or 'none' (--disk is refused).
   */
  disk: 'ide' | 'virtio-mmio' | 'virtio-ccw' | 'virtio-pci' | 'none';
  /**
   * sys_vserver's number (VCISyscall). Where the C library has no __NR_vserver (arm64) the guest
   * programs read it from /proc/virtual/info and fall back on this one (guest-image/include/vserver-nr.h).
   */
  syscall: number;
  /**
   * The 32-bit architecture whose programs this kernel runs through its compat entry (x86_64's
   * IA32_EMULATION, arm64's COMPAT): the guest image also holds that architecture's tools, under
   * /usr/lib/vslab/<compat>/bin.
   */
  compat?: Arch;
  /** Word size and byte order of the user ABI (struct layouts, the ABI suite's encoders). */
  bits: 32 | 64;
  endian: 'little' | 'big';
}

/**
 * The 32-bit ARM machine both ARM rows boot (arm, and armel on the same board and CPU): QEMU's
 * "virt" board below 4 GiB with a Cortex-A15, the PL011 console, virtio-mmio disks, and arm's
 * sys_vserver slot 313.
 */
const ARM32_VIRT = {
  qemu: 'qemu-system-arm',
  qemuPackage: 'qemu-system-arm',
  kvm: false,
  qemuMachine: ['-M', 'virt,highmem=off', '-cpu', 'cortex-a15'],
  console: 'ttyAMA0',
  disk: 'virtio-mmio',
  syscall: 313,
  bits: 32,
  endian: 'little',
} as const satisfies Partial<ArchInfo>;

const INFO: Record<Arch, ArchInfo> = {
  i386: {
    kernelArch: 'i386',
    kernelTarget: 'bzImage',
    kernelImage: 'arch/x86/boot/bzImage',
    crossPrefix: '',
    kernelCcPackage: 'gcc',
    guestCc: 'i686-linux-gnu-gcc',
    guestCcPackages: 'gcc-i686-linux-gnu and libc6-dev-i386-cross',
    gnuPrefix: 'i686-linux-gnu-',
    multiarch: 'i386-linux-gnu',
    toolsArch: 'x86',
    debian: 'i386',
    qemu: 'qemu-system-i386',
    qemuPackage: 'qemu-system-x86',
    kvm: true,
    qemuMachine: [],
    console: 'ttyS0',
    disk: 'ide',
    syscall: 273,
    bits: 32,
    endian: 'little',
  },
  x86_64: {
    kernelArch: 'x86_64',
    kernelTarget: 'bzImage',
    kernelImage: 'arch/x86/boot/bzImage',
    crossPrefix: '',
    kernelCcPackage: 'gcc',
    guestCc: 'gcc',
    guestCcPackages: 'gcc',
    gnuPrefix: 'x86_64-linux-gnu-',
    multiarch: 'x86_64-linux-gnu',
    toolsArch: 'x86',
    debian: 'amd64',
    qemu: 'qemu-system-x86_64',
    qemuPackage: 'qemu-system-x86',
    kvm: true,
    qemuMachine: [],
    console: 'ttyS0',
    disk: 'ide',
    syscall: 236,
    compat: 'i386',
    bits: 64,
    endian: 'little',
  },
  // 32-bit ARMv7, EABI hard-float (Debian armhf), on QEMU's "virt" board with its PL011 UART;
  // the disk is virtio-blk on the board's virtio-mmio transports (/dev/vda), as on arm64.
  arm: {
    kernelArch: 'arm',
    kernelTarget: 'zImage',
    kernelImage: 'arch/arm/boot/zImage',
    crossPrefix: 'arm-linux-gnueabihf-',
    kernelCcPackage: 'gcc-arm-linux-gnueabihf',
    guestCc: 'arm-linux-gnueabihf-gcc',
    guestCcPackages: 'gcc-arm-linux-gnueabihf and libc6-dev-armhf-cross',
    gnuPrefix: 'arm-linux-gnueabihf-',
    multiarch: 'arm-linux-gnueabihf',
    toolsArch: 'arm',
    debian: 'armhf',
    ...ARM32_VIRT,
  },
  // 64-bit ARMv8 (Debian arm64) on the same "virt" board with a Cortex-A57. The generic syscall
  // table has no vserver slot: 244 is our choice (kernel-patch/README.md, "arm64 syscall number").
  arm64: {
    kernelArch: 'arm64',
    kernelTarget: 'Image',
    kernelImage: 'arch/arm64/boot/Image',
    crossPrefix: 'aarch64-linux-gnu-',
    kernelCcPackage: 'gcc-aarch64-linux-gnu',
    guestCc: 'aarch64-linux-gnu-gcc',
    guestCcPackages: 'gcc-aarch64-linux-gnu and libc6-dev-arm64-cross',
    gnuPrefix: 'aarch64-linux-gnu-',
    multiarch: 'aarch64-linux-gnu',
    toolsArch: 'arm64',
    debian: 'arm64',
    qemu: 'qemu-system-aarch64',
    qemuPackage: 'qemu-system-arm',
    kvm: false,
    qemuMachine: ['-M', 'virt', '-cpu', 'cortex-a57'],
    console: 'ttyAMA0',
    disk: 'virtio-mmio',
    syscall: 244,
    compat: 'arm',
    bits: 64,
    endian: 'little',
  },
  // 32-bit little-endian MIPS32r2 (Debian mipsel, o32) on QEMU's Malta board with its default
  // 24Kf CPU; the kernel is the ELF vmlinux. MIPS numbers carry the ABI's base: o32 slot 277 is
  // 4277 (ABI.md §2.4). The Malta's PIIX4 has the PC's IDE function: the disk is /dev/sda.
  mipsel: {
    kernelArch: 'mips',
    kernelTarget: 'vmlinux',
    kernelImage: 'vmlinux',
    crossPrefix: 'mipsel-linux-gnu-',
    kernelCcPackage: 'gcc-mipsel-linux-gnu',
    guestCc: 'mipsel-linux-gnu-gcc',
    guestCcPackages: 'gcc-mipsel-linux-gnu and libc6-dev-mipsel-cross',
    gnuPrefix: 'mipsel-linux-gnu-',
    multiarch: 'mipsel-linux-gnu',
    toolsArch: 'mips',
    debian: 'mipsel',
    qemu: 'qemu-system-mipsel',
    qemuPackage: 'qemu-system-mips',
    kvm: false,
    qemuMachine: ['-M', 'malta'],
    console: 'ttyS0',
    disk: 'ide',
    syscall: 4277,
    bits: 32,
    endian: 'little',
  },
  // 64-bit little-endian MIPS64r2 (Debian mips64el, n64) on the same Malta with the
  // MIPS64R2-generic CPU (Debian's baseline, with an FPU; kernel-patch/config/mips64el.config).
  // n64 slot 236 is 5236; mipsel's o32 programs run through the compat entry at 4277.
  mips64el: {
    kernelArch: 'mips',
    kernelTarget: 'vmlinux',
    kernelImage: 'vmlinux',
    crossPrefix: 'mips64el-linux-gnuabi64-',
    kernelCcPackage: 'gcc-mips64el-linux-gnuabi64',
    guestCc: 'mips64el-linux-gnuabi64-gcc',
    guestCcPackages: 'gcc-mips64el-linux-gnuabi64 and libc6-dev-mips64el-cross',
    gnuPrefix: 'mips64el-linux-gnuabi64-',
    multiarch: 'mips64el-linux-gnuabi64',
    toolsArch: 'mips',
    debian: 'mips64el',
    qemu: 'qemu-system-mips64el',
    qemuPackage: 'qemu-system-mips',
    kvm: false,
    qemuMachine: ['-M', 'malta', '-cpu', 'MIPS64R2-generic'],
    console: 'ttyS0',
    disk: 'ide',
    syscall: 5236,
    compat: 'mipsel',
    bits: 64,
    endian: 'little',
  },
  // Debian armel (EABI soft-float, ARMv5TE code) on the arm row's "virt" board and Cortex-A15,
  // which runs it unchanged: the board takes no ARMv5 CPU (kernel-patch/config/armel.config).
  // The kernel has no VFP; the user ABI keeps arm's slot 313 and EABI's layouts.
  armel: {
    kernelArch: 'arm',
    kernelTarget: 'zImage',
    kernelImage: 'arch/arm/boot/zImage',
    crossPrefix: 'arm-linux-gnueabi-',
    kernelCcPackage: 'gcc-arm-linux-gnueabi',
    guestCc: 'arm-linux-gnueabi-gcc',
    guestCcPackages: 'gcc-arm-linux-gnueabi and libc6-dev-armel-cross',
    gnuPrefix: 'arm-linux-gnueabi-',
    multiarch: 'arm-linux-gnueabi',
    toolsArch: 'arm',
    debian: 'armel',
    ...ARM32_VIRT,
  },
  // 64-bit z/Architecture, big-endian (Debian s390x), on QEMU's s390-ccw-virtio machine (TCG only
  // on an x86 host). The console is the SCLP VT220 terminal QEMU makes of -serial: ttysclp0.
  // sys_vserver in s390's slot 263 (ABI.md §2.4), which no C library names.
  s390x: {
    kernelArch: 's390',
    kernelTarget: 'bzImage',
    kernelImage: 'arch/s390/boot/bzImage',
    crossPrefix: 's390x-linux-gnu-',
    kernelCcPackage: 'gcc-s390x-linux-gnu',
    guestCc: 's390x-linux-gnu-gcc',
    guestCcPackages: 'gcc-s390x-linux-gnu and libc6-dev-s390x-cross',
    gnuPrefix: 's390x-linux-gnu-',
    multiarch: 's390x-linux-gnu',
    toolsArch: 's390',
    debian: 's390x',
    qemu: 'qemu-system-s390x',
    qemuPackage: 'qemu-system-misc',
    kvm: false,
    qemuMachine: ['-M', 's390-ccw-virtio'],
    console: 'ttysclp0',
    disk: 'virtio-ccw',
    syscall: 263,
    bits: 64,
    endian: 'big',
  },
  // 64-bit POWER, little-endian ELFv2 (Debian ppc64el), on QEMU's pseries machine (SLOF loads the
  // vmlinux ELF; TCG only). The console is the hypervisor's virtual terminal (spapr-vty): hvc0.
  // sys_vserver in powerpc's slot 257 (ABI.md §2.4), which no C library names.
  ppc64el: {
    kernelArch: 'powerpc',
    kernelTarget: 'vmlinux',
    kernelImage: 'vmlinux',
    crossPrefix: 'powerpc64le-linux-gnu-',
    kernelCcPackage: 'gcc-powerpc64le-linux-gnu',
    guestCc: 'powerpc64le-linux-gnu-gcc',
    guestCcPackages: 'gcc-powerpc64le-linux-gnu and libc6-dev-ppc64el-cross',
    gnuPrefix: 'powerpc64le-linux-gnu-',
    multiarch: 'powerpc64le-linux-gnu',
    toolsArch: 'powerpc',
    debian: 'ppc64el',
    qemu: 'qemu-system-ppc64',
    qemuPackage: 'qemu-system-ppc',
    kvm: false,
    qemuMachine: ['-M', 'pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,cap-ccf-assist=off', '-cpu', 'power9'],
    console: 'hvc0',
    memoryMiB: 256,
    disk: 'virtio-pci',
    syscall: 257,
    bits: 64,
    endian: 'little',
  },
};

/**
 * The rows scripts/setup installs for by default (what `npm test` boots); the others' cross
 * compilers and QEMU come with `scripts/setup --arches <arch>` (or `--arches all`).
 */
const SETUP_BY_DEFAULT: readonly Arch[] = ['i386', 'x86_64', 'arm', 'arm64'];

/** What to run for a missing Debian package of the row: "run scripts/setup[ --arches A]". */
export function setupHint(arch: Arch): string {
  return SETUP_BY_DEFAULT.includes(arch) ? 'run scripts/setup' : `run scripts/setup --arches ${arch}`;
}

export function archInfo(arch: Arch): ArchInfo {
  return INFO[arch];
}

/** The guest's device node of the disk image (--disk): /dev/sda on IDE, /dev/vda on virtio-blk (any transport). */
export function guestDiskDevice(arch: Arch): string | undefined {
  const disk = archInfo(arch).disk;
  return disk === 'ide' ? '/dev/sda' : disk === 'none' ? undefined : '/dev/vda';
}

export function isArch(s: string): s is Arch {
  return (ARCHES as readonly string[]).includes(s);
}
