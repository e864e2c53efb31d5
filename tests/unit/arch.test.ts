import { describe, expect, it } from 'vitest';
import { debianArch } from '../../harness/build/busybox.ts';
import { crossCompiler } from '../../harness/build/guest-image.ts';
import { fragmentNames } from '../../harness/build/kernel-config.ts';
import { ARCHES, archInfo, guestDiskDevice, isArch, type Arch } from '../../harness/machine/arch.ts';
import { QemuMachine } from '../../harness/machine/qemu.ts';

const append = (args: string[]): string => args[args.indexOf('-append') + 1] ?? '';
/** QEMU's arguments for a guest of ARCH (TCG, a kernel and an initrd, no disk). */
const qemuArgs = (arch: Arch): string[] => QemuMachine.args({ arch, kernelPath: '/k', initrdPath: '/i' }, 'tcg');
/** The option NAME in ARGS and the words after it, COUNT words in all. */
const option = (args: string[], name: string, count: number): string[] => args.slice(args.indexOf(name), args.indexOf(name) + count);

describe('guest architectures', () => {
  it('knows i386, x86_64, arm, mipsel, mips64el, armel, s390x and ppc64el with the sys_vserver slots of ABI.md §2.4 (MIPS with its ABI base), and arm64 with our 244', () => {
    expect([...ARCHES]).toEqual(['i386', 'x86_64', 'arm', 'arm64', 'mipsel', 'mips64el', 'armel', 's390x', 'ppc64el']);
    expect(ARCHES.map((a) => archInfo(a).syscall)).toEqual([273, 236, 313, 244, 4000 + 277, 5000 + 236, 313, 263, 257]);
    expect(isArch('arm64')).toBe(true);
    expect(isArch('s390x')).toBe(true);
    expect(isArch('s390')).toBe(false);
    expect(ARCHES.map((a) => `${archInfo(a).bits}${archInfo(a).endian[0] ?? ''}`)).toEqual(['32l', '64l', '32l', '64l', '32l', '64l', '32l', '64b', '64l']);
  });

  it("a 64-bit row names the 32-bit row its compat entry runs, with that row's slot", () => {
    expect(ARCHES.filter((a) => archInfo(a).compat !== undefined).map((a) => [a, archInfo(a).compat])).toEqual([
      ['x86_64', 'i386'],
      ['arm64', 'arm'],
      ['mips64el', 'mipsel'],
    ]);
    for (const a of ARCHES) {
      const c = archInfo(a).compat;
      if (c !== undefined) expect([archInfo(a).bits, archInfo(c).bits, archInfo(c).compat]).toEqual([64, 32, undefined]);
    }
  });

  it('adding a row is a row and a config fragment: every row has its <arch>.config', async () => {
    const { readdir } = await import('node:fs/promises');
    const have = await readdir(new URL('../../kernel-patch/config/', import.meta.url));
    for (const a of ARCHES) {
      expect(have, a).toContain(`${a}.config`);
      expect(fragmentNames(a, 'vserver'), a).toEqual([
        'base.config',
        `${a}.config`,
        ...(a === 'i386' ? ['parity-i386.config'] : []),
        'vserver.config',
        ...(a === 'i386' ? ['vserver-i386.config'] : []),
      ]);
    }
  });

  it('boots x86 on the default PC with ttyS0, arm on the virt board with its PL011 (ttyAMA0)', () => {
    const pc = qemuArgs('i386');
    expect(pc).not.toContain('-M');
    expect(append(pc)).toMatch(/^console=ttyS0,115200 /);
    const arm = qemuArgs('arm');
    expect(option(arm, '-M', 4)).toEqual(['-M', 'virt,highmem=off', '-cpu', 'cortex-a15']);
    expect(append(arm)).toMatch(/^console=ttyAMA0,115200 /);
    expect(QemuMachine.binaryFor('arm')).toBe('qemu-system-arm');
    const a64 = qemuArgs('arm64');
    expect(option(a64, '-M', 4)).toEqual(['-M', 'virt', '-cpu', 'cortex-a57']);
    expect(append(a64)).toMatch(/^console=ttyAMA0,115200 /);
    expect(QemuMachine.binaryFor('arm64')).toBe('qemu-system-aarch64');
  });

  it('boots s390x on s390-ccw-virtio with the SCLP VT220 console (ttysclp0), ppc64el on pseries with hvc0, TCG only', () => {
    const s = qemuArgs('s390x');
    expect(option(s, '-M', 2)).toEqual(['-M', 's390-ccw-virtio']);
    expect(option(s, '-serial', 2)).toEqual(['-serial', 'stdio']);
    expect(append(s)).toMatch(/^console=ttysclp0,115200 /);
    expect(QemuMachine.binaryFor('s390x')).toBe('qemu-system-s390x');
    const p = qemuArgs('ppc64el');
    expect(p[p.indexOf('-M') + 1]).toMatch(/^pseries(,|$)/);
    expect(option(p, '-cpu', 2)).toEqual(['-cpu', 'power9']);
    expect(append(p)).toMatch(/^console=hvc0,115200 /);
    // pseries takes RAM in 256 MiB blocks; the others keep the default 128.
    expect(option(p, '-m', 2)).toEqual(['-m', '256']);
    expect(option(s, '-m', 2)).toEqual(['-m', '128']);
    expect(QemuMachine.binaryFor('ppc64el')).toBe('qemu-system-ppc64');
    expect([archInfo('s390x').kvm, archInfo('ppc64el').kvm]).toEqual([false, false]);
  });

  it("attaches a disk as IDE on the PC and the Malta, as virtio-blk on the virt boards of arm and arm64, s390x's channel subsystem and pseries' PCI", () => {
    const disk = (arch: Arch): string[] => {
      const args = QemuMachine.args({ arch, kernelPath: '/k', initrdPath: '/i', diskPath: '/c/d,1.img' }, 'tcg');
      return args.slice(args.indexOf('-drive'));
    };
    expect(disk('i386').slice(0, 2)).toEqual(['-drive', 'file=/c/d,,1.img,format=raw,if=ide,index=0,media=disk']);
    expect(disk('arm64').slice(0, 4)).toEqual([
      '-drive',
      'file=/c/d,,1.img,format=raw,if=none,id=vslab-disk0',
      '-device',
      'virtio-blk-device,drive=vslab-disk0',
    ]);
    expect(disk('arm')).toEqual(disk('arm64'));
    expect(disk('mipsel')).toEqual(disk('i386'));
    expect(disk('mips64el')).toEqual(disk('i386'));
    expect(disk('armel')).toEqual(disk('arm64'));

    expect(disk('s390x').slice(0, 4)).toEqual(['-drive', 'file=/c/d,,1.img,format=raw,if=none,id=vslab-disk0', '-device', 'virtio-blk-ccw,drive=vslab-disk0']);
    expect(disk('ppc64el').slice(0, 4)).toEqual([
      '-drive',
      'file=/c/d,,1.img,format=raw,if=none,id=vslab-disk0',
      '-device',
      'virtio-blk-pci,drive=vslab-disk0',
    ]);
    expect(ARCHES.map(guestDiskDevice)).toEqual(['/dev/sda', '/dev/sda', '/dev/vda', '/dev/vda', '/dev/sda', '/dev/sda', '/dev/vda', '/dev/vda', '/dev/vda']);
  });

  it('builds arm guests with Debian armhf: cross gcc, busybox-static:armhf, zImage', () => {
    expect(crossCompiler('arm')).toEqual({ cc: 'arm-linux-gnueabihf-gcc', pkg: 'gcc-arm-linux-gnueabihf and libc6-dev-armhf-cross' });
    expect(debianArch('arm')).toBe('armhf');
    expect(debianArch('x86_64')).toBe('amd64');
    expect(archInfo('arm')).toMatchObject({ kernelArch: 'arm', kernelTarget: 'zImage', crossPrefix: 'arm-linux-gnueabihf-' });
  });

  it('builds arm64 guests with Debian arm64: cross gcc, busybox-static:arm64, the plain Image', () => {
    expect(crossCompiler('arm64')).toEqual({ cc: 'aarch64-linux-gnu-gcc', pkg: 'gcc-aarch64-linux-gnu and libc6-dev-arm64-cross' });
    expect(debianArch('arm64')).toBe('arm64');
    expect(archInfo('arm64')).toMatchObject({
      kernelArch: 'arm64',
      kernelTarget: 'Image',
      kernelImage: 'arch/arm64/boot/Image',
      crossPrefix: 'aarch64-linux-gnu-',
    });
  });

  it('builds mipsel guests with Debian mipsel: cross gcc, busybox-static:mipsel, the ELF vmlinux on the Malta with ttyS0', () => {
    expect(crossCompiler('mipsel')).toEqual({ cc: 'mipsel-linux-gnu-gcc', pkg: 'gcc-mipsel-linux-gnu and libc6-dev-mipsel-cross' });
    expect(debianArch('mipsel')).toBe('mipsel');
    expect(archInfo('mipsel')).toMatchObject({
      kernelArch: 'mips',
      kernelTarget: 'vmlinux',
      kernelImage: 'vmlinux',
      crossPrefix: 'mipsel-linux-gnu-',
      bits: 32,
      endian: 'little',
    });
    const m = qemuArgs('mipsel');
    expect(option(m, '-M', 2)).toEqual(['-M', 'malta']);
    expect(append(m)).toMatch(/^console=ttyS0,115200 /);
    expect(QemuMachine.binaryFor('mipsel')).toBe('qemu-system-mipsel');
  });

  it("builds mips64el guests with Debian mips64el (n64) on the Malta with a MIPS64R2-generic CPU, mipsel's o32 tools beside them", () => {
    expect(crossCompiler('mips64el')).toEqual({ cc: 'mips64el-linux-gnuabi64-gcc', pkg: 'gcc-mips64el-linux-gnuabi64 and libc6-dev-mips64el-cross' });
    expect(debianArch('mips64el')).toBe('mips64el');
    expect(archInfo('mips64el')).toMatchObject({
      kernelArch: 'mips',
      kernelTarget: 'vmlinux',
      crossPrefix: 'mips64el-linux-gnuabi64-',
      compat: 'mipsel',
      bits: 64,
      endian: 'little',
    });
    const m = qemuArgs('mips64el');
    expect(option(m, '-M', 4)).toEqual(['-M', 'malta', '-cpu', 'MIPS64R2-generic']);
    expect(append(m)).toMatch(/^console=ttyS0,115200 /);
    expect(QemuMachine.binaryFor('mips64el')).toBe('qemu-system-mips64el');
  });

  it("builds armel guests with Debian armel (soft-float EABI) on the arm row's virt board and Cortex-A15", () => {
    expect(crossCompiler('armel')).toEqual({ cc: 'arm-linux-gnueabi-gcc', pkg: 'gcc-arm-linux-gnueabi and libc6-dev-armel-cross' });
    expect(debianArch('armel')).toBe('armel');
    expect(archInfo('armel')).toMatchObject({ kernelArch: 'arm', kernelTarget: 'zImage', crossPrefix: 'arm-linux-gnueabi-', bits: 32, endian: 'little' });
    const m = qemuArgs('armel');
    expect(option(m, '-M', 4)).toEqual(['-M', 'virt,highmem=off', '-cpu', 'cortex-a15']);
    expect(append(m)).toMatch(/^console=ttyAMA0,115200 /);
  });

  it("builds s390x and ppc64el guests with Debian's cross compilers and busybox-static, the s390 bzImage and the powerpc vmlinux", () => {
    expect(crossCompiler('s390x')).toEqual({ cc: 's390x-linux-gnu-gcc', pkg: 'gcc-s390x-linux-gnu and libc6-dev-s390x-cross' });
    expect(crossCompiler('ppc64el')).toEqual({ cc: 'powerpc64le-linux-gnu-gcc', pkg: 'gcc-powerpc64le-linux-gnu and libc6-dev-ppc64el-cross' });
    expect([debianArch('s390x'), debianArch('ppc64el')]).toEqual(['s390x', 'ppc64el']);
    expect(archInfo('s390x')).toMatchObject({
      kernelArch: 's390',
      kernelTarget: 'bzImage',
      kernelImage: 'arch/s390/boot/bzImage',
      crossPrefix: 's390x-linux-gnu-',
      qemuPackage: 'qemu-system-misc',
    });
    expect(archInfo('ppc64el')).toMatchObject({
      kernelArch: 'powerpc',
      kernelTarget: 'vmlinux',
      kernelImage: 'vmlinux',
      crossPrefix: 'powerpc64le-linux-gnu-',
      qemuPackage: 'qemu-system-ppc',
    });
  });
});

describe('scripts/setup and the rows npm test leaves out', () => {
  it('a missing package of an opt-in row names scripts/setup --arches <arch>; the default rows plain scripts/setup', async () => {
    const { setupHint } = await import('../../harness/machine/arch.ts');
    expect(['i386', 'x86_64', 'arm', 'arm64'].map((a) => setupHint(a as 'i386'))).toEqual(Array(4).fill('run scripts/setup'));
    for (const a of ['mipsel', 'mips64el', 'armel', 's390x', 'ppc64el'] as const) expect(setupHint(a)).toBe(`run scripts/setup --arches ${a}`);
    // scripts/setup installs for those rows exactly the packages the table names.
    const { readFileSync } = await import('node:fs');
    const setup = readFileSync(new URL('../../scripts/setup', import.meta.url), 'utf8');
    for (const a of ['mipsel', 'mips64el', 'armel', 's390x', 'ppc64el'] as const) {
      const line = new RegExp(`^\\s*\\[${a}\\]="([^"]*)"`, 'm').exec(setup)?.[1]?.split(' ') ?? [];
      const i = archInfo(a);
      expect(line, a).toEqual([i.kernelCcPackage, i.guestCcPackages.split(' and ')[1], i.qemuPackage]);
    }
  });
});
