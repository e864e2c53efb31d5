import { describe, expect, it } from 'vitest';
import { debianArch } from '../../harness/build/busybox.ts';
import { crossCompiler } from '../../harness/build/guest-image.ts';
import { fragmentNames } from '../../harness/build/kernel-config.ts';
import { ARCHES, archInfo, guestDiskDevice, isArch, type Arch } from '../../harness/machine/arch.ts';
import { QemuMachine } from '../../harness/machine/qemu.ts';

const append = (args: string[]): string => args[args.indexOf('-append') + 1] ?? '';

describe('guest architectures', () => {
  it('knows i386, x86_64, arm, mipsel, mips64el and armel with the sys_vserver slots of ABI.md §2.4 (MIPS with its ABI base), and arm64 with our 244', () => {
    expect([...ARCHES]).toEqual(['i386', 'x86_64', 'arm', 'arm64', 'mipsel', 'mips64el', 'armel']);
    expect(ARCHES.map((a) => archInfo(a).syscall)).toEqual([273, 236, 313, 244, 4000 + 277, 5000 + 236, 313]);
    expect(isArch('arm64')).toBe(true);
    expect(isArch('s390x')).toBe(false);
  });

  it('a 64-bit row names the 32-bit row its compat entry runs, with that row\'s slot', () => {
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
      expect(fragmentNames(a, 'vserver'), a).toEqual(['base.config', `${a}.config`, ...(a === 'i386' ? ['parity-i386.config'] : []), 'vserver.config', ...(a === 'i386' ? ['vserver-i386.config'] : [])]);
    }
  });

  it('boots x86 on the default PC with ttyS0, arm on the virt board with its PL011 (ttyAMA0)', () => {
    const pc = QemuMachine.args({ arch: 'i386', kernelPath: '/k', initrdPath: '/i' }, 'tcg');
    expect(pc).not.toContain('-M');
    expect(append(pc)).toMatch(/^console=ttyS0,115200 /);
    const arm = QemuMachine.args({ arch: 'arm', kernelPath: '/k', initrdPath: '/i' }, 'tcg');
    expect(arm.slice(arm.indexOf('-M'), arm.indexOf('-M') + 4)).toEqual(['-M', 'virt,highmem=off', '-cpu', 'cortex-a15']);
    expect(append(arm)).toMatch(/^console=ttyAMA0,115200 /);
    expect(QemuMachine.binaryFor('arm')).toBe('qemu-system-arm');
    const a64 = QemuMachine.args({ arch: 'arm64', kernelPath: '/k', initrdPath: '/i' }, 'tcg');
    expect(a64.slice(a64.indexOf('-M'), a64.indexOf('-M') + 4)).toEqual(['-M', 'virt', '-cpu', 'cortex-a57']);
    expect(append(a64)).toMatch(/^console=ttyAMA0,115200 /);
    expect(QemuMachine.binaryFor('arm64')).toBe('qemu-system-aarch64');
  });

  it('attaches a disk as IDE on the PC and the Malta, as virtio-blk on the virt boards of arm and arm64', () => {
    const disk = (arch: Arch): string[] => {
      const args = QemuMachine.args({ arch, kernelPath: '/k', initrdPath: '/i', diskPath: '/c/d,1.img' }, 'tcg');
      return args.slice(args.indexOf('-drive'));
    };
    expect(disk('i386').slice(0, 2)).toEqual(['-drive', 'file=/c/d,,1.img,format=raw,if=ide,index=0,media=disk']);
    expect(disk('arm64').slice(0, 4)).toEqual(['-drive', 'file=/c/d,,1.img,format=raw,if=none,id=vslab-disk0', '-device', 'virtio-blk-device,drive=vslab-disk0']);
    expect(disk('arm')).toEqual(disk('arm64'));
    expect(disk('mipsel')).toEqual(disk('i386'));
    expect(disk('mips64el')).toEqual(disk('i386'));
    expect(disk('armel')).toEqual(disk('arm64'));
    expect(ARCHES.map(guestDiskDevice)).toEqual(['/dev/sda', '/dev/sda', '/dev/vda', '/dev/vda', '/dev/sda', '/dev/sda', '/dev/vda']);
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
    expect(archInfo('arm64')).toMatchObject({ kernelArch: 'arm64', kernelTarget: 'Image', kernelImage: 'arch/arm64/boot/Image', crossPrefix: 'aarch64-linux-gnu-' });
  });

  it('builds mipsel guests with Debian mipsel: cross gcc, busybox-static:mipsel, the ELF vmlinux on the Malta with ttyS0', () => {
    expect(crossCompiler('mipsel')).toEqual({ cc: 'mipsel-linux-gnu-gcc', pkg: 'gcc-mipsel-linux-gnu and libc6-dev-mipsel-cross' });
    expect(debianArch('mipsel')).toBe('mipsel');
    expect(archInfo('mipsel')).toMatchObject({ kernelArch: 'mips', kernelTarget: 'vmlinux', kernelImage: 'vmlinux', crossPrefix: 'mipsel-linux-gnu-', bits: 32, endian: 'little' });
    const m = QemuMachine.args({ arch: 'mipsel', kernelPath: '/k', initrdPath: '/i' }, 'tcg');
    expect(m.slice(m.indexOf('-M'), m.indexOf('-M') + 2)).toEqual(['-M', 'malta']);
    expect(append(m)).toMatch(/^console=ttyS0,115200 /);
    expect(QemuMachine.binaryFor('mipsel')).toBe('qemu-system-mipsel');
  });

  it('builds mips64el guests with Debian mips64el (n64) on the Malta with a MIPS64R2-generic CPU, mipsel\'s o32 tools beside them', () => {
    expect(crossCompiler('mips64el')).toEqual({ cc: 'mips64el-linux-gnuabi64-gcc', pkg: 'gcc-mips64el-linux-gnuabi64 and libc6-dev-mips64el-cross' });
    expect(debianArch('mips64el')).toBe('mips64el');
    expect(archInfo('mips64el')).toMatchObject({ kernelArch: 'mips', kernelTarget: 'vmlinux', crossPrefix: 'mips64el-linux-gnuabi64-', compat: 'mipsel', bits: 64, endian: 'little' });
    const m = QemuMachine.args({ arch: 'mips64el', kernelPath: '/k', initrdPath: '/i' }, 'tcg');
    expect(m.slice(m.indexOf('-M'), m.indexOf('-M') + 4)).toEqual(['-M', 'malta', '-cpu', 'MIPS64R2-generic']);
    expect(append(m)).toMatch(/^console=ttyS0,115200 /);
    expect(QemuMachine.binaryFor('mips64el')).toBe('qemu-system-mips64el');
  });

  it('builds armel guests with Debian armel (soft-float EABI) on the arm row\'s virt board and Cortex-A15', () => {
    expect(crossCompiler('armel')).toEqual({ cc: 'arm-linux-gnueabi-gcc', pkg: 'gcc-arm-linux-gnueabi and libc6-dev-armel-cross' });
    expect(debianArch('armel')).toBe('armel');
    expect(archInfo('armel')).toMatchObject({ kernelArch: 'arm', kernelTarget: 'zImage', crossPrefix: 'arm-linux-gnueabi-', bits: 32, endian: 'little' });
    const m = QemuMachine.args({ arch: 'armel', kernelPath: '/k', initrdPath: '/i' }, 'tcg');
    expect(m.slice(m.indexOf('-M'), m.indexOf('-M') + 4)).toEqual(['-M', 'virt,highmem=off', '-cpu', 'cortex-a15']);
    expect(append(m)).toMatch(/^console=ttyAMA0,115200 /);
  });
});
