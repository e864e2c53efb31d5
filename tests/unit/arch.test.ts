import { describe, expect, it } from 'vitest';
import { debianArch } from '../../harness/build/busybox.ts';
import { crossCompiler } from '../../harness/build/guest-image.ts';
import { ARCHES, archInfo, isArch } from '../../harness/machine/arch.ts';
import { QemuMachine } from '../../harness/machine/qemu.ts';

const append = (args: string[]): string => args[args.indexOf('-append') + 1] ?? '';

describe('guest architectures', () => {
  it('knows i386, x86_64 and arm, with the sys_vserver slots of ABI.md §2.4', () => {
    expect([...ARCHES]).toEqual(['i386', 'x86_64', 'arm']);
    expect(ARCHES.map((a) => archInfo(a).syscall)).toEqual([273, 236, 313]);
    expect(isArch('arm')).toBe(true);
    expect(isArch('arm64')).toBe(false);
  });

  it('boots x86 on the default PC with ttyS0, arm on the virt board with its PL011 (ttyAMA0)', () => {
    const pc = QemuMachine.args({ arch: 'i386', kernelPath: '/k', initrdPath: '/i' }, 'tcg');
    expect(pc).not.toContain('-M');
    expect(append(pc)).toMatch(/^console=ttyS0,115200 /);
    const arm = QemuMachine.args({ arch: 'arm', kernelPath: '/k', initrdPath: '/i' }, 'tcg');
    expect(arm.slice(arm.indexOf('-M'), arm.indexOf('-M') + 4)).toEqual(['-M', 'virt,highmem=off', '-cpu', 'cortex-a15']);
    expect(append(arm)).toMatch(/^console=ttyAMA0,115200 /);
    expect(QemuMachine.binaryFor('arm')).toBe('qemu-system-arm');
  });

  it('builds arm guests with Debian armhf: cross gcc, busybox-static:armhf, zImage', () => {
    expect(crossCompiler('arm')).toEqual({ cc: 'arm-linux-gnueabihf-gcc', pkg: 'gcc-arm-linux-gnueabihf and libc6-dev-armhf-cross' });
    expect(debianArch('arm')).toBe('armhf');
    expect(debianArch('x86_64')).toBe('amd64');
    expect(archInfo('arm')).toMatchObject({ kernelArch: 'arm', kernelTarget: 'zImage', crossPrefix: 'arm-linux-gnueabihf-' });
  });
});
