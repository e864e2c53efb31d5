/**
 * The mips64el kernel (64-bit little-endian MIPS64r2, Debian mips64el's n64 user space, QEMU's
 * Malta board with the MIPS64R2-generic CPU): sys_vserver in the n64 slot 236 MIPS has kept for
 * it, numbered from 5000 (5236, the C library's __NR_vserver); Debian mipsel's o32 programs
 * through the kernel's o32 compat entry in slot 277 (4277) with the struct translations; the LP64
 * layouts (8-byte pointers) against the o32 ones (4-byte pointers, u64 8-byte aligned as on
 * n64); the disk image on the PIIX4's IDE function (/dev/sda); and the paper's examples passing
 * as they do on i386 (PAPER §8).
 *
 * Not in `npm test` (one more TCG guest): `npm run test:mips64el` runs this file and the
 * architecture-neutral ABI suites on mips64el.
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { defineExampleTests } from '../paper/example-tests.ts';
import { u64, vc } from '../abi/helpers.ts';

/** The mipsel (o32) build of the tools, run by the kernel's o32 compat entry. */
const COMPAT_BIN = '/usr/lib/vslab/mipsel/bin';
const le32 = (v: number): string => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b.toString('hex');
};

describe('sys_vserver on the mips64el vserver kernel', () => {
  const h = useGuest({
    arch: 'mips64el',
    variant: 'vserver',
    backend: 'qemu',
    disk: { sizeMiB: 16, label: 'vslab-examples', files: { 'hello.txt': 'hello from the host\n' } },
  });

  it('runs a MIPS64 n64 user space on a 64-bit MIPS kernel, and o32 programs beside it', async () => {
    expect((await h.succeed('uname -m')).stdout.trim()).toBe('mips64');
    expect((await h.succeed('head -c 6 /usr/lib/vslab/vstool | od -An -tx1')).stdout.trim()).toBe('7f 45 4c 46 02 01');
    expect((await h.succeed(`head -c 6 ${COMPAT_BIN}/../vstool | od -An -tx1`)).stdout.trim()).toBe('7f 45 4c 46 01 01');
    expect((await h.succeed(`${COMPAT_BIN}/vsyscall 0 63`)).stdout).toBe('ret=131848 errno=0 OK\n');
  });

  it('n64 tasks reach it through 5236 (slot 236), and /proc/virtual/info says so', async () => {
    expect(await vc(h.guest.shell, '0 63')).toMatchObject({ ret: 0x00020308 });
    expect((await h.succeed('cat /proc/virtual/info')).stdout).toMatch(/^VCISyscall:\t5236$/m);
    expect((await h.succeed('vserver-info')).stdout).toMatch(/syscall: 5236/);
    expect(await vc(h.guest.shell, '0x2e010000 999999')).toMatchObject({ ret: -1, name: 'ESRCH' });
    expect(await vc(h.guest.shell, '--drop-cap 41 0 0')).toMatchObject({ ret: -1, name: 'ENOSYS' });
  });

  it("o32 tasks reach the compat entry through 4277 (slot 277) with the same answers (MIPS's ENOSYS is 89)", async () => {
    const r = await h.succeed(`${COMPAT_BIN}/vsyscall 0 63; ${COMPAT_BIN}/vsyscall 0x2e010000 999999; ${COMPAT_BIN}/vsyscall --drop-cap 41 0 0`);
    expect(r.stdout).toBe('ret=131848 errno=0 OK\nret=-1 errno=3 ESRCH\nret=-1 errno=89 ENOSYS\n');
    expect((await h.succeed(`${COMPAT_BIN}/vserver-info`)).stdout).toMatch(/syscall: 4277/);
  });

  it('the context commands keep their layouts through the compat entry (same bytes as 64-bit callers)', async () => {
    const setup = `${COMPAT_BIN}/vsyscall --in 0000000047000000 0x09010001 130; ${COMPAT_BIN}/vsyscall --in 01100000000000000110000000000000 0x34040001 130`;
    expect((await h.succeed(setup)).stdout).toBe('ret=130 errno=0 OK\nret=0 errno=0 OK\n');
    try {
      for (const args of ['--out 16 0x34030001 130', '--out 16 0x34010000 130', '--in 02000000 --out 72 0x02020000 130']) {
        const compat = await h.succeed(`${COMPAT_BIN}/vsyscall ${args}`);
        expect(compat.stdout).toMatch(/^ret=0 errno=0 OK\nout=[0-9a-f]+\n$/);
        expect(compat.stdout).toBe((await h.succeed(`vsyscall ${args}`)).stdout);
      }
      expect((await h.succeed('vsyscall --out 16 0x34030001 130')).stdout).toContain('out=0110000000000000ffffffffffffffff');
    } finally {
      await h.succeed('vsyscall --in 00000000000000000000000040000000 0x34020000 130');
    }
  });

  it("ctx_rlimit_v0 is 32 bytes from both ABIs (o32 and n64 both put the u64s at 8, 16, 24); ids are MIPS's RLIMIT_* numbers", async () => {
    const KEEP = 0xfffffffffffffffen;
    // MIPS numbers RLIMIT_NPROC 8 and RLIMIT_NOFILE 5 (6 and 7 on x86 and arm), ABI.md §5.6.
    const NPROC = 8;
    const NOFILE = 5;
    const lay = (id: number, soft: bigint, hard: bigint): string => le32(id) + '00000000' + u64(0n) + u64(soft) + u64(hard);
    await h.succeed('vsyscall --in 0000000047000000 0x09010001 131');
    try {
      expect((await h.succeed(`${COMPAT_BIN}/vsyscall --in ${lay(NPROC, KEEP, 40n)} 0x3c020000 131`)).stdout).toBe('ret=0 errno=0 OK\n');
      expect((await h.succeed(`vsyscall --in ${lay(NOFILE, 20n, 30n)} 0x3c020000 131`)).stdout).toBe('ret=0 errno=0 OK\n');
      expect((await h.succeed(`${COMPAT_BIN}/vsyscall --in ${lay(NOFILE, 0n, 0n)}abababab --out 36 0x3c010000 131`)).stdout).toBe(
        `ret=0 errno=0 OK\nout=${lay(NOFILE, 20n, 30n)}abababab\n`,
      );
      expect((await h.succeed(`vsyscall --in ${lay(NPROC, 0n, 0n)}abababab --out 36 0x3c010000 131`)).stdout).toBe(
        `ret=0 errno=0 OK\nout=${lay(NPROC, 40n, 40n)}abababab\n`,
      );
      expect((await h.succeed(`${COMPAT_BIN}/vlimit --xid 131 -a -d`)).stdout).toContain(
        `${'NPROC'.padEnd(10)}${'  N/A'.padEnd(20)}${'  40'.padEnd(20)}  40\n`,
      );
    } finally {
      await h.succeed('vsyscall --in 00000000000000000000000040000000 0x34020000 131');
    }
  });

  it('ctx_dlimit_v0 carries the path pointer first: 32 bytes natively (8-byte pointer), 28 through compat', async () => {
    const MNT = '/tmp/dl64';
    const body = [0xfffffffe, 1000, 0xfffffffe, 50, 0xfffffffe, 0].map(le32).join('');
    await h.succeed(`mkdir -p ${MNT} && mount -t tmpfs -o size=4m tmpfs ${MNT}`);
    try {
      expect(await vc(h.guest.shell, `--in ${u64(0n)}00000000 --ptr 0=${MNT} 0x24010000 600`)).toMatchObject({ ret: 0 });
      expect(await vc(h.guest.shell, `--in ${u64(0n)}${body} --ptr 0=${MNT} 0x24050000 600`)).toMatchObject({ ret: 0 });
      const native = await vc(h.guest.shell, `--in ${u64(0n)}${'00'.repeat(24)}abababab --ptr 0=${MNT} --out 36 0x24060000 600`);
      expect(native.ret).toBe(0);
      expect(native.out?.subarray(8).toString('hex')).toBe([0, 1000, 0, 50, 0, 0].map(le32).join('') + 'abababab');
      const compat = await h.succeed(`${COMPAT_BIN}/vsyscall --in 00000000${'00'.repeat(24)}abababab --ptr 0=${MNT} --out 32 0x24060000 600`);
      const out = Buffer.from(/^out=([0-9a-f]+)$/m.exec(compat.stdout)?.[1] ?? '', 'hex');
      expect(compat.stdout).toMatch(/^ret=0 errno=0 OK$/m);
      expect(out.subarray(4).toString('hex')).toBe([0, 1000, 0, 50, 0, 0].map(le32).join('') + 'abababab');
    } finally {
      await h.guest.shell.run(`vsyscall --in ${u64(0n)}00000000 --ptr 0=${MNT} 0x24020000 600; umount ${MNT}`);
    }
  });

  it('ctx_iattr_v1 (24 bytes native, 16 compat) carries the path pointer in both ABIs', async () => {
    await h.succeed('mkdir -p /tmp/ia && mount -t tmpfs -o tag tmpfs /tmp/ia && touch /tmp/ia/f');
    for (const bin of ['', `${COMPAT_BIN}/`]) {
      await h.succeed(`${bin}chxid -c 77 /tmp/ia/f && ${bin}setattr --iunlink-but-not-immutable /tmp/ia/f`);
      expect((await h.succeed(`${bin}lsxid /tmp/ia/f; ${bin}showattr /tmp/ia/f`)).stdout, bin || 'native').toBe(
        `${'77'.padStart(20)}  /tmp/ia/f\n-----UicX  /tmp/ia/f\n`,
      );
      await h.succeed(`${bin}chxid -c 0 /tmp/ia/f && ${bin}setattr --~iunlink /tmp/ia/f`);
    }
  });

  it("FIOC_GETXFLG/SETXFLG: a long natively (0x40087805 in MIPS's encoding), 32 bits through the compat ioctl (0x40047805)", async () => {
    for (const bin of ['', `${COMPAT_BIN}/`]) {
      expect((await h.succeed(`${bin}xflg /tmp/ia/f 0x00020000`)).stdout, bin || 'native').toBe('0x01020000\n');
      expect((await h.succeed(`${bin}xflg /tmp/ia/f 0`)).stdout, bin || 'native').toBe('0x01000000\n');
    }
  });

  it('space_mask_v2 is 16 bytes from both ABIs (o32 pads the u64+u32 struct to 8) and reaches the same slots', async () => {
    const NEWUTS = 0x04000000n;
    const lay = (mask: bigint, index: number): string => u64(mask) + le32(index) + '00000000';
    await h.succeed('vsyscall --in 0000000047000000 0x09010001 132');
    try {
      expect(
        (await h.succeed(`${COMPAT_BIN}/vspace --new --mask uts -- sh -c 'hostname o32 && ${COMPAT_BIN}/vsyscall --in ${lay(NEWUTS, 1)} 0x0a030002 132'`))
          .stdout,
      ).toBe('ret=0 errno=0 OK\n');
      expect((await h.succeed(`vspace --new --mask uts -- sh -c 'hostname n64 && vsyscall --in ${lay(NEWUTS, 0)} 0x0a030002 132'`)).stdout).toBe(
        'ret=0 errno=0 OK\n',
      );
      expect((await h.succeed('grep Spaces: /proc/virtual/132/status')).stdout).toBe('Spaces:\t04000000 04000000\n');
      expect((await h.succeed(`${COMPAT_BIN}/vsyscall --in ${lay(0n, 1)} 0x0a010002 132 -- hostname`)).stdout).toBe('ret=0 errno=0 OK\no32\n');
      expect((await h.succeed(`${COMPAT_BIN}/vsyscall --in ${lay(NEWUTS, 0)} 0x0a010002 132 -- hostname`)).stdout).toBe('ret=0 errno=0 OK\nn64\n');
      expect((await h.succeed(`vsyscall --in ${lay(0n, 1)} 0x0a010002 132 -- hostname`)).stdout).toBe('ret=0 errno=0 OK\no32\n');
      expect((await h.succeed(`${COMPAT_BIN}/vsyscall --in ${lay(NEWUTS, 2)} 0x0a010002 132`)).stdout).toBe('ret=-1 errno=22 EINVAL\n');
      for (const cmd of ['0x36000001', '0x36010000', '0x0a040000']) {
        const compat = (await h.succeed(`${COMPAT_BIN}/vsyscall --out 8 ${cmd} 0`)).stdout;
        expect(compat).toMatch(/^ret=0 errno=0 OK\nout=[0-9a-f]{16}\n$/);
        expect(compat).toBe((await h.succeed(`vsyscall --out 8 ${cmd} 0`)).stdout);
      }
    } finally {
      await h.succeed('vsyscall --in 00000000000000000000000040000000 0x34020000 132');
    }
  });

  it('TIOCSTI through the o32 compat ioctl entry needs the ccap TIOCSTI, as the native entry does', async () => {
    const out = async (cmd: string): Promise<string> => (await h.guest.shell.run(cmd)).stdout;
    expect(await out('vcontext --create --silent --xid 140 -- tiocsti abc')).toBe('tiocsti: EPERM\n');
    expect(await out(`vcontext --create --silent --xid 141 -- ${COMPAT_BIN}/tiocsti abc`)).toBe('tiocsti: EPERM\n');
    expect(await out(`${COMPAT_BIN}/tiocsti abc`)).toBe('tiocsti: ok\n');
    await h.succeed('vsyscall --in 0000000047000000 0x09010001 142 && vsyscall --in 10000000000000001000000000000000 0x34040001 142');
    expect(await out(`vsyscall --in 0000000000000000 0x0b010001 142 -- ${COMPAT_BIN}/tiocsti abc`)).toBe('ret=0 errno=0 OK\ntiocsti: ok\n');
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

  defineExampleTests(h, ' (mips64el)');
});
