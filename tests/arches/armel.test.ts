/**
 * The armel kernel (Debian armel's EABI soft-float user space, ARMv5TE code, on QEMU's virt
 * board with a Cortex-A15, an ARMv7 kernel without VFP; kernel-patch/config/armel.config):
 * sys_vserver in the slot arm has kept for it (313), the EABI struct layouts (as armhf: the
 * float ABI changes no vserver struct), the disk image as virtio-blk on the board's virtio-mmio
 * transport (/dev/vda), and the paper's examples passing as they do on i386 (PAPER §8).
 *
 * Not in `npm test` (one more TCG guest): `npm run test:armel` runs this file and the
 * architecture-neutral ABI suites on armel.
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { defineExampleTests } from '../paper/example-tests.ts';
import { u64, vc } from '../abi/helpers.ts';

const le32 = (v: number): string => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b.toString('hex');
};

describe('sys_vserver on the armel vserver kernel', () => {
  const h = useGuest({
    arch: 'armel',
    variant: 'vserver',
    backend: 'qemu',
    disk: { sizeMiB: 16, label: 'vslab-examples', files: { 'hello.txt': 'hello from the host\n' } },
  });

  it("runs Debian armel's soft-float EABI programs on a kernel without VFP", async () => {
    expect((await h.succeed('uname -m')).stdout.trim()).toBe('armv7l');
    // e_flags: EABI version 5, EF_ARM_ABI_FLOAT_SOFT (0x200), not armhf's FLOAT_HARD (0x400).
    for (const bin of ['/usr/lib/vslab/vstool', '/bin/busybox']) {
      expect((await h.succeed(`od -An -tx4 -j36 -N4 ${bin}`)).stdout.trim(), bin).toBe('05000200');
    }
    expect((await h.succeed('grep -c -w vfp /proc/cpuinfo || true')).stdout.trim()).toBe('0');
  });

  it('tasks reach it through slot 313, and /proc/virtual/info says so', async () => {
    expect(await vc(h.guest.shell, '0 63')).toMatchObject({ ret: 0x00020308 });
    expect((await h.succeed('cat /proc/virtual/info')).stdout).toMatch(/^VCISyscall:\t313$/m);
    expect((await h.succeed('vserver-info')).stdout).toMatch(/syscall: 313/);
    expect(await vc(h.guest.shell, '0x2e010000 999999')).toMatchObject({ ret: -1, name: 'ESRCH' });
    expect(await vc(h.guest.shell, '--drop-cap 41 0 0')).toMatchObject({ ret: -1, name: 'ENOSYS' });
  });

  it('ctx_rlimit_v0 has the 32-byte EABI layout (u32 id, pad, three u64 at 8-byte offsets), and not one byte more', async () => {
    const KEEP = 0xfffffffffffffffen;
    const lay = (id: number, soft: bigint, hard: bigint): string => le32(id) + '00000000' + u64(0n) + u64(soft) + u64(hard);
    expect(await vc(h.guest.shell, `--in ${u64((7n << 32n) | (1n << 38n))} 0x09010001 160`)).toMatchObject({ ret: 160 });
    try {
      await h.succeed('vlimit --xid 160 -S --nproc 50 --nproc 100');
      const r = await vc(h.guest.shell, `--in ${lay(6, 0n, 0n)}abababab --out 36 0x3c010000 160`);
      expect(r).toMatchObject({ ret: 0 });
      expect(r.out?.toString('hex')).toBe(`${lay(6, 50n, 100n)}abababab`);
      expect(await vc(h.guest.shell, `--in ${lay(7, KEEP, 30n)} 0x3c020000 160`)).toMatchObject({ ret: 0 });
      const table = (await h.succeed('vlimit --xid 160 -a -d')).stdout;
      expect(table).toContain(`${'NPROC'.padEnd(10)}${'  N/A'.padEnd(20)}${'  50'.padEnd(20)}  100\n`);
      expect(table).toContain(`${'NOFILE'.padEnd(10)}${'  N/A'.padEnd(20)}${'  30'.padEnd(20)}  30\n`);
    } finally {
      await h.succeed(`vsyscall --in ${u64(0n)}${u64(1n << 38n)} 0x34020000 160 >/dev/null`);
    }
  });

  it('ctx_dlimit_v0 carries a 4-byte path pointer first: 28 bytes', async () => {
    const MNT = '/tmp/dl32';
    const body = [0xfffffffe, 1000, 0xfffffffe, 50, 0xfffffffe, 0].map(le32).join('');
    await h.succeed(`mkdir -p ${MNT} && mount -t tmpfs -o size=4m tmpfs ${MNT}`);
    try {
      expect(await vc(h.guest.shell, `--in 0000000000000000 --ptr 0=${MNT} 0x24010000 600`)).toMatchObject({ ret: 0 });
      expect(await vc(h.guest.shell, `--in 00000000${body} --ptr 0=${MNT} 0x24050000 600`)).toMatchObject({ ret: 0 });
      const r = await vc(h.guest.shell, `--in 00000000${'00'.repeat(24)}abababab --ptr 0=${MNT} --out 32 0x24060000 600`);
      expect(r.ret).toBe(0);
      expect(r.out?.subarray(4).toString('hex')).toBe([0, 1000, 0, 50, 0, 0].map(le32).join('') + 'abababab');
    } finally {
      await h.guest.shell.run(`vsyscall --in 0000000000000000 --ptr 0=${MNT} 0x24020000 600; umount ${MNT}`);
    }
  });

  it('space_mask_v2 is 16 bytes (EABI pads the u64+u32 struct to 8, unlike i386) and reaches its slot', async () => {
    const NEWUTS = 0x04000000n;
    const lay = (mask: bigint, index: number): string => u64(mask) + le32(index) + '00000000';
    await h.succeed('vsyscall --in 0000000047000000 0x09010001 132');
    try {
      expect((await h.succeed(`vspace --new --mask uts -- sh -c 'hostname el && vsyscall --in ${lay(NEWUTS, 1)} 0x0a030002 132'`)).stdout).toBe(
        'ret=0 errno=0 OK\n',
      );
      expect((await h.succeed('grep Spaces: /proc/virtual/132/status')).stdout).toBe('Spaces:\t00000000 04000000\n');
      expect((await h.succeed(`vsyscall --in ${lay(0n, 1)} 0x0a010002 132 -- hostname`)).stdout).toBe('ret=0 errno=0 OK\nel\n');
      expect((await h.succeed(`vsyscall --in ${lay(NEWUTS, 2)} 0x0a010002 132`)).stdout).toBe('ret=-1 errno=22 EINVAL\n');
    } finally {
      await h.succeed('vsyscall --in 00000000000000000000000040000000 0x34020000 132');
    }
  });

  it('the disk image is virtio-blk /dev/vda ($VSLAB_DISK): it mounts as ext2 and holds what the host put there', async () => {
    expect((await h.succeed('echo $VSLAB_DISK')).stdout).toBe('/dev/vda\n');
    await h.succeed('mkdir -p /mnt/vda && mount -t ext2 /dev/vda /mnt/vda');
    try {
      expect((await h.succeed('cat /mnt/vda/hello.txt')).stdout).toBe('hello from the host\n');
      expect((await h.succeed('grep " /mnt/vda " /proc/mounts')).stdout).toMatch(/^\/dev\/vda \/mnt\/vda ext2 rw/);
    } finally {
      await h.succeed('umount /mnt/vda');
    }
  });

  defineExampleTests(h, ' (armel)');
});
