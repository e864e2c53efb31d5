/**
 * The x86_64 kernel: sys_vserver in slot 236 for 64-bit tasks, and the IA-32 compat entry in
 * slot 273 of the 32-bit table for i386 programs (the i386 build of the tools); and the paper's
 * examples, which must pass on every architecture (PAPER §8): the guest has an ext2 disk as
 * /dev/sda for the one that needs it (E48).
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { defineExampleTests } from '../paper/example-tests.ts';
import { vc } from '../abi/helpers.ts';

const COMPAT_BIN = '/usr/lib/vslab/i386/bin';

describe('sys_vserver on the x86_64 vserver kernel', () => {
  const h = useGuest({ arch: 'x86_64', variant: 'vserver', backend: 'qemu', disk: { sizeMiB: 16, label: 'vslab-examples' } });

  it('runs a 64-bit userspace on a 64-bit kernel', async () => {
    expect((await h.guest.shell.succeed('uname -m')).stdout.trim()).toBe('x86_64');
  });

  it('64-bit tasks reach it through slot 236, and /proc/virtual/info says so', async () => {
    expect(await vc(h.guest.shell, '0 63')).toMatchObject({ ret: 0x00020308 });
    expect((await h.guest.shell.succeed('cat /proc/virtual/info')).stdout).toMatch(/^VCISyscall:\t236$/m);
    expect((await h.guest.shell.succeed('vserver-info')).stdout).toMatch(/syscall: 236/);
  });

  it('i386 tasks reach the compat entry through slot 273 with the same answers', async () => {
    const r = await h.guest.shell.succeed(`${COMPAT_BIN}/vsyscall 0 63; ${COMPAT_BIN}/vsyscall task_xid 999999; ${COMPAT_BIN}/vsyscall --drop-cap 41 0 0`);
    expect(r.stdout).toBe('ret=131848 errno=0 OK\nret=-1 errno=3 ESRCH\nret=-1 errno=38 ENOSYS\n');
    expect((await h.guest.shell.succeed(`${COMPAT_BIN}/vserver-info`)).stdout).toMatch(/syscall: 273/);
  });

  it('the context commands keep their layouts through the compat entry (same bytes as 64-bit callers)', async () => {
    // ctx_create {INIT_SET|PERSISTENT}, set_ccaps {SET_UTSNAME|SYSLOG, same mask}, then read back
    // ccaps, cflags and the nodename from both ABIs.
    const setup =
      `${COMPAT_BIN}/vsyscall --in 0000000047000000 ctx_create 130; ` + `${COMPAT_BIN}/vsyscall --in 01100000000000000110000000000000 set_ccaps 130`;
    expect((await h.guest.shell.succeed(setup)).stdout).toBe('ret=130 errno=0 OK\nret=0 errno=0 OK\n');
    const reads = ['--out 16 get_ccaps 130', '--out 16 get_cflags 130', '--in 02000000 --out 72 get_vhi_name 130'];
    for (const args of reads) {
      const compat = await h.guest.shell.succeed(`${COMPAT_BIN}/vsyscall ${args}`);
      const native = await h.guest.shell.succeed(`vsyscall ${args}`);
      expect(compat.stdout).toMatch(/^ret=0 errno=0 OK\nout=[0-9a-f]+\n$/);
      expect(compat.stdout).toBe(native.stdout);
    }
    expect((await h.guest.shell.succeed(`vsyscall --out 16 get_ccaps 130`)).stdout).toContain('out=0110000000000000ffffffffffffffff');
    await h.guest.shell.succeed(`vsyscall --in 00000000000000000000000040000000 set_cflags 130`);
  });

  it('ctx_rlimit_v0 is translated: 28 bytes from i386 tools, 32 from 64-bit ones, the same limits either way', async () => {
    const le32 = (v: number): string => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(v);
      return b.toString('hex');
    };
    const le64 = (v: bigint): string => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(v);
      return b.toString('hex');
    };
    const KEEP = 0xfffffffffffffffen;
    await h.guest.shell.succeed(`vsyscall --in 0000000047000000 ctx_create 131`);
    // i386 layout: u32 id, then the u64s at offsets 4, 12, 20; x86_64: padding, then 8, 16, 24.
    const i386 = (id: number, soft: bigint, hard: bigint): string => le32(id) + le64(0n) + le64(soft) + le64(hard);
    const lp64 = (id: number, soft: bigint, hard: bigint): string => le32(id) + '00000000' + le64(0n) + le64(soft) + le64(hard);
    expect((await h.guest.shell.succeed(`${COMPAT_BIN}/vsyscall --in ${i386(6, KEEP, 40n)} set_rlimit 131`)).stdout).toBe('ret=0 errno=0 OK\n');
    expect((await h.guest.shell.succeed(`vsyscall --in ${lp64(7, 20n, 30n)} set_rlimit 131`)).stdout).toBe('ret=0 errno=0 OK\n');
    const compat = (await h.guest.shell.succeed(`${COMPAT_BIN}/vsyscall --in ${i386(7, 0n, 0n)} --out 28 get_rlimit 131`)).stdout;
    expect(compat).toBe(`ret=0 errno=0 OK\nout=${i386(7, 20n, 30n)}\n`);
    const native = (await h.guest.shell.succeed(`vsyscall --in ${lp64(6, 0n, 0n)} --out 32 get_rlimit 131`)).stdout;
    expect(native).toBe(`ret=0 errno=0 OK\nout=${lp64(6, 40n, 40n)}\n`);
    expect((await h.guest.shell.succeed(`${COMPAT_BIN}/vlimit --xid 131 -a -d`)).stdout).toContain(
      `${'NPROC'.padEnd(10)}${'  N/A'.padEnd(20)}${'  40'.padEnd(20)}  40`,
    );
    await h.guest.shell.succeed(`vsyscall --in 00000000000000000000000040000000 set_cflags 131`);
  });

  it('ctx_dlimit_v0 (28 bytes from i386 tools, 32 from 64-bit ones) and its base (8, 16) name one entry from both ABIs', async () => {
    const sh = h.guest.shell;
    const MNT = '/tmp/dl64';
    const le32s = (vals: number[]): string =>
      vals
        .map((v) => {
          const b = Buffer.alloc(4);
          b.writeUInt32LE(v >>> 0);
          return b.toString('hex');
        })
        .join('');
    const KEEP = 0xfffffffe;
    // The path pointer first (4 bytes on i386, 8 on x86_64), then the u32 fields; the 64-bit
    // base has 4 bytes of tail padding.
    const i386 = (vals: number[]): string => '00000000' + le32s(vals);
    const lp64 = (vals: number[]): string => '0000000000000000' + le32s(vals) + (vals.length === 1 ? '00000000' : '');
    const c32 = (hex: string, rest: string) => vc(sh, `--in ${hex} --ptr 0=${MNT} ${rest}`, `${COMPAT_BIN}/vsyscall`);
    const n64 = (hex: string, rest: string) => vc(sh, `--in ${hex} --ptr 0=${MNT} ${rest}`);
    await sh.succeed(`mkdir -p ${MNT} && mount -t tmpfs tmpfs ${MNT}`);
    try {
      expect(await c32(i386([0]), 'add_dlimit 133')).toMatchObject({ ret: 0 });
      expect(await n64(lp64([0]), 'add_dlimit 133')).toMatchObject({ ret: -1, name: 'EEXIST' });
      // set from i386: used 12 KiB of 1000, 3 of 50 inodes, 5 % reserved.
      const values = [12, 1000, 3, 50, 5, 0];
      expect(await c32(i386(values), 'set_dlimit 133')).toMatchObject({ ret: 0 });
      const native = await n64(lp64([0, 0, 0, 0, 0, 0]), '--out 32 get_dlimit 133');
      expect([native.ret, native.out?.subarray(8).toString('hex')]).toEqual([0, le32s(values)]);
      // The compat get writes the 28 bytes of the i386 struct and nothing past them.
      const compat = await c32(i386([0, 0, 0, 0, 0, 0]) + 'abababab', '--out 32 get_dlimit 133');
      expect([compat.ret, compat.out?.subarray(4).toString('hex')]).toEqual([0, le32s(values) + 'abababab']);
      // flags is the last field in both: a 64-bit set of 3 MiB (DLIMF_SHIFT, exponent 2 at bit 2)
      // reads back as 3072 KiB through the compat entry.
      expect(await n64(lp64([KEEP, 3, KEEP, KEEP, KEEP, 0x10 | (2 << 2)]), 'set_dlimit 133')).toMatchObject({ ret: 0 });
      expect((await c32(i386([0, 0, 0, 0, 0, 0]), '--out 28 get_dlimit 133')).out?.readUInt32LE(8)).toBe(3072);
      // util-vserver's vdlimit, built for i386, against the native one.
      await sh.succeed(`${COMPAT_BIN}/vdlimit --xid 133 --set inodes_total=7 ${MNT}`);
      const listing = `133 ${MNT}\nspace_used=12\nspace_total=3072\ninodes_used=3\ninodes_total=7\nreserved=5\n`;
      expect((await sh.succeed(`vdlimit --xid 133 ${MNT}`)).stdout).toBe(listing);
      expect((await sh.succeed(`${COMPAT_BIN}/vdlimit --xid 133 ${MNT}`)).stdout).toBe(listing);
      expect(await n64(lp64([0]), 'rem_dlimit 133')).toMatchObject({ ret: 0 });
      expect(await c32(i386([0]), 'rem_dlimit 133')).toMatchObject({ ret: -1, name: 'ESRCH' });
    } finally {
      await sh.run(`umount ${MNT}`);
    }
  });

  it('ctx_iattr_v1 (24 bytes native, 16 compat) carries the path pointer in both ABIs', async () => {
    const cmd = 'mkdir -p /tmp/ia && mount -t tmpfs -o tag tmpfs /tmp/ia && touch /tmp/ia/f';
    await h.guest.shell.succeed(cmd);
    for (const bin of ['', `${COMPAT_BIN}/`]) {
      await h.guest.shell.succeed(`${bin}chxid -c 77 /tmp/ia/f && ${bin}setattr --iunlink-but-not-immutable /tmp/ia/f`);
      expect((await h.guest.shell.succeed(`${bin}lsxid /tmp/ia/f; ${bin}showattr /tmp/ia/f`)).stdout, bin || 'native').toBe(
        `${'77'.padStart(20)}  /tmp/ia/f\n-----UicX  /tmp/ia/f\n`,
      );
      await h.guest.shell.succeed(`${bin}chxid -c 0 /tmp/ia/f && ${bin}setattr --~iunlink /tmp/ia/f`);
    }
  });

  it('FIOC_GETXFLG/SETXFLG: a long natively (0x80087805), 32 bits through the compat ioctl (0x80047805)', async () => {
    for (const bin of ['', `${COMPAT_BIN}/`]) {
      expect((await h.guest.shell.succeed(`${bin}xflg /tmp/ia/f 0x00020000`)).stdout, bin || 'native').toBe('0x01020000\n');
      expect((await h.guest.shell.succeed(`${bin}xflg /tmp/ia/f 0`)).stdout, bin || 'native').toBe('0x01000000\n');
    }
  });

  it('space_mask_v2 (16 bytes native, 12 compat: u64 mask, u32 index) reaches the same slots from both ABIs', async () => {
    const le = (v: bigint, bytes: number): string => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(v);
      return b.subarray(0, bytes).toString('hex');
    };
    const NEWUTS = 0x04000000n;
    const i386 = (mask: bigint, index: number): string => le(mask, 8) + le(BigInt(index), 4);
    const lp64 = (mask: bigint, index: number): string => le(mask, 8) + le(BigInt(index), 4) + '00000000';
    const sh = h.guest.shell;
    await sh.succeed(`vsyscall --in 0000000047000000 ctx_create 132`);
    try {
      // set_space from each ABI into its own slot, each from a new UTS namespace.
      const set32 = await sh.succeed(
        `${COMPAT_BIN}/vspace --new --mask uts -- sh -c 'hostname c32 && ${COMPAT_BIN}/vsyscall --in ${i386(NEWUTS, 1)} set_space 132'`,
      );
      expect(set32.stdout).toBe('ret=0 errno=0 OK\n');
      const set64 = await sh.succeed(`vspace --new --mask uts -- sh -c 'hostname n64 && vsyscall --in ${lp64(NEWUTS, 0)} set_space 132'`);
      expect(set64.stdout).toBe('ret=0 errno=0 OK\n');
      expect((await sh.succeed('grep Spaces: /proc/virtual/132/status')).stdout).toBe('Spaces:\t04000000 04000000\n');
      // enter_space reads the index from the same offset in both layouts.
      expect((await sh.succeed(`${COMPAT_BIN}/vsyscall --in ${i386(0n, 1)} enter_space 132 -- hostname`)).stdout).toBe('ret=0 errno=0 OK\nc32\n');
      expect((await sh.succeed(`${COMPAT_BIN}/vsyscall --in ${i386(NEWUTS, 0)} enter_space 132 -- hostname`)).stdout).toBe('ret=0 errno=0 OK\nn64\n');
      expect((await sh.succeed(`vsyscall --in ${lp64(0n, 1)} enter_space 132 -- hostname`)).stdout).toBe('ret=0 errno=0 OK\nc32\n');
      expect((await sh.succeed(`${COMPAT_BIN}/vsyscall --in ${i386(NEWUTS, 2)} enter_space 132`)).stdout).toBe('ret=-1 errno=22 EINVAL\n');
      // The masks are the same answer through both entries.
      for (const cmd of ['get_space_mask', 'get_space_default', 'get_space_mask_v0']) {
        const compat = (await sh.succeed(`${COMPAT_BIN}/vsyscall --out 8 ${cmd} 0`)).stdout;
        expect(compat).toMatch(/^ret=0 errno=0 OK\nout=[0-9a-f]{16}\n$/);
        expect(compat).toBe((await sh.succeed(`vsyscall --out 8 ${cmd} 0`)).stdout);
      }
      expect((await sh.succeed(`${COMPAT_BIN}/vspace --enter 132 --index 1 -- hostname`)).stdout).toBe('c32\n');
    } finally {
      await sh.succeed(`vsyscall --in 00000000000000000000000040000000 set_cflags 132`);
    }
  });

  defineExampleTests(h, ' (x86_64)');
  it('TIOCSTI through the IA-32 compat ioctl entry needs the ccap TIOCSTI, as the native entry does', async () => {
    // The attack: an i386 program in a guest pushes input into the console (compat_sys_ioctl asks
    // the LSM's file_ioctl_compat hook, not file_ioctl). Found by the sanitizer run, which runs the
    // i386 suites on the 64-bit kernel.
    const sh = async (cmd: string): Promise<string> => (await h.guest.shell.run(cmd)).stdout;
    expect(await sh(`vcontext --create --silent --xid 140 -- tiocsti abc`)).toBe('tiocsti: EPERM\n');
    expect(await sh(`vcontext --create --silent --xid 141 -- ${COMPAT_BIN}/tiocsti abc`)).toBe('tiocsti: EPERM\n');
    // The control: the host may, and so may a guest the host granted the ccap, from both ABIs.
    expect(await sh(`${COMPAT_BIN}/tiocsti abc`)).toBe('tiocsti: ok\n');
    await h.guest.shell.succeed(`vsyscall --in 0000000047000000 ctx_create 142 && vsyscall --in 10000000000000001000000000000000 set_ccaps 142`);
    expect(await sh(`vsyscall --in 0000000000000000 ctx_migrate 142 -- ${COMPAT_BIN}/tiocsti abc`)).toBe('ret=0 errno=0 OK\ntiocsti: ok\n');
    expect(await sh(`vsyscall --in 0000000000000000 ctx_migrate 142 -- tiocsti abc`)).toBe('ret=0 errno=0 OK\ntiocsti: ok\n');
  });
});
