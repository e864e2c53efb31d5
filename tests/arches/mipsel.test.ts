/**
 * The mipsel kernel (32-bit little-endian MIPS32r2, Debian mipsel's o32 user space, QEMU's Malta
 * board with its 24Kf): sys_vserver in the o32 slot 277 that MIPS has kept for it, which o32
 * numbers from 4000 (4277, what the C library's __NR_vserver says); the o32 struct layouts
 * (4-byte pointers, 64-bit fields 8-byte aligned as on EABI, unlike i386; MIPS's own ioctl
 * direction bits); the disk image on the PIIX4's IDE function (/dev/sda); and the paper's
 * examples passing as they do on i386 (PAPER §8).
 *
 * Not in `npm test` (one more TCG guest): `npm run test:mipsel` runs this file and the
 * architecture-neutral ABI suites on mipsel.
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

describe('sys_vserver on the mipsel vserver kernel', () => {
  const h = useGuest({
    arch: 'mipsel',
    variant: 'vserver',
    backend: 'qemu',
    disk: { sizeMiB: 16, label: 'vslab-examples', files: { 'hello.txt': 'hello from the host\n' } },
  });

  it('runs a little-endian MIPS32 o32 user space on a 32-bit MIPS kernel', async () => {
    expect((await h.succeed('uname -m')).stdout.trim()).toBe('mips');
    // EI_CLASS 1 (32-bit), EI_DATA 1 (little-endian); e_flags' EF_MIPS_ABI_O32 is implied by no ABI2.
    expect((await h.succeed('head -c 6 /usr/lib/vslab/vstool | od -An -tx1')).stdout.trim()).toBe('7f 45 4c 46 01 01');
  });

  it('o32 tasks reach it through 4277 (slot 277), and /proc/virtual/info says so', async () => {
    expect(await vc(h.guest.shell, '0 63')).toMatchObject({ ret: 0x00020308 });
    expect((await h.succeed('cat /proc/virtual/info')).stdout).toMatch(/^VCISyscall:\t4277$/m);
    expect((await h.succeed('vserver-info')).stdout).toMatch(/syscall: 4277/);
    expect(await vc(h.guest.shell, '0x2e010000 999999')).toMatchObject({ ret: -1, name: 'ESRCH' });
    expect(await vc(h.guest.shell, '--drop-cap 41 0 0')).toMatchObject({ ret: -1, name: 'ENOSYS' });
  });

  it("ctx_rlimit_v0 has the 32-byte o32 layout (u32 id, pad, three u64 at 8-byte offsets), and not one byte more; ids are MIPS's RLIMIT_* numbers", async () => {
    const KEEP = 0xfffffffffffffffen;
    // MIPS numbers RLIMIT_NPROC 8 and RLIMIT_NOFILE 5 (6 and 7 on x86 and arm), ABI.md §5.6.
    const NPROC = 8;
    const NOFILE = 5;
    const lay = (id: number, soft: bigint, hard: bigint): string => le32(id) + '00000000' + u64(0n) + u64(soft) + u64(hard);
    expect(await vc(h.guest.shell, `--in ${u64((7n << 32n) | (1n << 38n))} 0x09010001 160`)).toMatchObject({ ret: 160 });
    try {
      await h.succeed('vlimit --xid 160 -S --nproc 50 --nproc 100');
      const r = await vc(h.guest.shell, `--in ${lay(NPROC, 0n, 0n)}abababab --out 36 0x3c010000 160`);
      expect(r).toMatchObject({ ret: 0 });
      expect(r.out?.toString('hex')).toBe(`${lay(NPROC, 50n, 100n)}abababab`);
      expect(await vc(h.guest.shell, `--in ${lay(NOFILE, KEEP, 30n)} 0x3c020000 160`)).toMatchObject({ ret: 0 });
      const table = (await h.succeed('vlimit --xid 160 -a -d')).stdout;
      expect(table).toContain(`${'NPROC'.padEnd(10)}${'  N/A'.padEnd(20)}${'  50'.padEnd(20)}  100\n`);
      expect(table).toContain(`${'NOFILE'.padEnd(10)}${'  N/A'.padEnd(20)}${'  30'.padEnd(20)}  30\n`);
      expect((await h.succeed('grep -E "^(PROC|FILES):" /proc/virtual/160/limit')).stdout).toMatch(/^PROC:.*\s50\/\s+100\s.*\nFILES:.*\s30\/\s+30\s/);
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

  it('space_mask_v2 is 16 bytes (o32 pads the u64+u32 struct to 8, unlike i386) and reaches its slot', async () => {
    const NEWUTS = 0x04000000n;
    const lay = (mask: bigint, index: number): string => u64(mask) + le32(index) + '00000000';
    await h.succeed('vsyscall --in 0000000047000000 0x09010001 132');
    try {
      expect((await h.succeed(`vspace --new --mask uts -- sh -c 'hostname m32 && vsyscall --in ${lay(NEWUTS, 1)} 0x0a030002 132'`)).stdout).toBe(
        'ret=0 errno=0 OK\n',
      );
      expect((await h.succeed('grep Spaces: /proc/virtual/132/status')).stdout).toBe('Spaces:\t00000000 04000000\n');
      expect((await h.succeed(`vsyscall --in ${lay(0n, 1)} 0x0a010002 132 -- hostname`)).stdout).toBe('ret=0 errno=0 OK\nm32\n');
      expect((await h.succeed(`vsyscall --in ${lay(NEWUTS, 2)} 0x0a010002 132`)).stdout).toBe('ret=-1 errno=22 EINVAL\n');
    } finally {
      await h.succeed('vsyscall --in 00000000000000000000000040000000 0x34020000 132');
    }
  });

  it("FIOC_GETXFLG/SETXFLG work with MIPS's ioctl encoding (read is 0x4..., not 0x8...: 0x40047805)", async () => {
    await h.succeed('mkdir -p /tmp/ia && mount -t tmpfs -o tag tmpfs /tmp/ia && touch /tmp/ia/f');
    try {
      expect((await h.succeed('xflg /tmp/ia/f 0x00020000')).stdout).toBe('0x01020000\n');
      expect((await h.succeed('xflg /tmp/ia/f 0')).stdout).toBe('0x01000000\n');
      await h.succeed('chxid -c 77 /tmp/ia/f && setattr --iunlink-but-not-immutable /tmp/ia/f');
      expect((await h.succeed('lsxid /tmp/ia/f; showattr /tmp/ia/f')).stdout).toBe(`${'77'.padStart(20)}  /tmp/ia/f\n-----UicX  /tmp/ia/f\n`);
    } finally {
      await h.guest.shell.run('umount /tmp/ia');
    }
  });

  it('TIOCSTI (0x5472 on MIPS) needs the ccap TIOCSTI in a guest', async () => {
    const out = async (cmd: string): Promise<string> => (await h.guest.shell.run(cmd)).stdout;
    expect(await out('vcontext --create --silent --xid 140 -- tiocsti abc')).toBe('tiocsti: EPERM\n');
    expect(await out('tiocsti abc')).toBe('tiocsti: ok\n');
    await h.succeed('vsyscall --in 0000000047000000 0x09010001 142 && vsyscall --in 10000000000000001000000000000000 0x34040001 142');
    expect(await out('vsyscall --in 0000000000000000 0x0b010001 142 -- tiocsti abc')).toBe('ret=0 errno=0 OK\ntiocsti: ok\n');
  });

  it('the disk image is the first IDE disk /dev/sda ($VSLAB_DISK) on the PIIX4: it mounts as ext2 and holds what the host put there', async () => {
    expect((await h.succeed('echo $VSLAB_DISK')).stdout).toBe('/dev/sda\n');
    await h.succeed('mkdir -p /mnt/sda && mount -t ext2 /dev/sda /mnt/sda');
    try {
      expect((await h.succeed('cat /mnt/sda/hello.txt')).stdout).toBe('hello from the host\n');
      expect((await h.succeed('grep " /mnt/sda " /proc/mounts')).stdout).toMatch(/^\/dev\/sda \/mnt\/sda ext2 rw/);
    } finally {
      await h.succeed('umount /mnt/sda');
    }
  });

  defineExampleTests(h, ' (mipsel)');
});
