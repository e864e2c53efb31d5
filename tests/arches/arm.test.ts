/**
 * The arm kernel (32-bit ARMv7, Debian armhf user space, QEMU's virt board): sys_vserver in the
 * slot arm has kept for it (313), the commands with arm's struct layouts (EABI aligns 64-bit
 * fields to 8 bytes, unlike i386), the disk image as virtio-blk on the board's virtio-mmio
 * transport (/dev/vda), and the paper's examples passing as they do on i386, E48's
 * per-context quota on that disk included (PAPER §8: the patch must build and pass the
 * examples on every architecture QEMU boots).
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { defineExampleTests } from '../paper/example-tests.ts';
import { vc } from '../abi/helpers.ts';

describe('sys_vserver on the arm vserver kernel', () => {
  const h = useGuest({
    arch: 'arm',
    variant: 'vserver',
    backend: 'qemu',
    disk: { sizeMiB: 16, label: 'vslab-examples', files: { 'hello.txt': 'hello from the host\n' } },
  });

  it('runs an ARMv7 user space on an ARMv7 kernel', async () => {
    expect((await h.succeed('uname -m')).stdout.trim()).toBe('armv7l');
  });

  it('tasks reach it through slot 313, and /proc/virtual/info says so', async () => {
    expect(await vc(h.guest.shell, '0 63')).toMatchObject({ ret: 0x00020308 });
    expect((await h.succeed('cat /proc/virtual/info')).stdout).toMatch(/^VCISyscall:\t313$/m);
    expect((await h.succeed('vserver-info')).stdout).toMatch(/syscall: 313/);
    expect(await vc(h.guest.shell, '0x2e010000 999999')).toMatchObject({ ret: -1, name: 'ESRCH' });
    expect(await vc(h.guest.shell, '--drop-cap 41 0 0')).toMatchObject({ ret: -1, name: 'ENOSYS' });
  });

  it('ctx_rlimit v0 has the 32-byte EABI layout (u32 id, pad, three u64 at 8-byte offsets)', async () => {
    const u64 = (v: bigint): string => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(v);
      return b.toString('hex');
    };
    // ctx_create(160, INIT_SET|PERSISTENT), then NPROC soft 50 / hard 100 through vlimit.
    expect(await vc(h.guest.shell, `--in ${u64((7n << 32n) | (1n << 38n))} 0x09010001 160`)).toMatchObject({ ret: 160 });
    await h.succeed('vlimit --xid 160 -S --nproc 50 --nproc 100');
    const r = await vc(h.guest.shell, `--in 06000000${'00'.repeat(28)} --out 32 0x3c010000 160`);
    expect(r).toMatchObject({ ret: 0 });
    const b = r.out ?? Buffer.alloc(32);
    expect([b.length, b.readUInt32LE(0), b.readBigUInt64LE(16), b.readBigUInt64LE(24)]).toEqual([32, 6, 50n, 100n]);
    await h.succeed(`vsyscall --in ${u64(0n)}${u64(1n << 38n)} 0x34020000 160 >/dev/null`);
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

  defineExampleTests(h, ' (arm)');
});
