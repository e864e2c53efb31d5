/**
 * The arm64 kernel (64-bit ARMv8, Debian arm64 user space, QEMU's virt board with a Cortex-A57):
 * sys_vserver in the number we chose for it (244: the generic table has no vserver slot;
 * kernel-patch/README.md), found at run time by tools whose C library names none; 32-bit armhf
 * programs through arm64's COMPAT entry in arm's slot 313 with the struct translations; the
 * LP64 layouts (8-byte pointers, u64 at 8-byte offsets) against the armhf ones (4-byte pointers,
 * u64 also at 8-byte offsets: EABI); the disk image as virtio-blk; and the paper's examples
 * passing as they do on i386 (PAPER §8).
 *
 * Not in `npm test` (one more TCG guest): `npm run test:arm64` runs this file and the
 * architecture-neutral ABI suites on arm64.
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { defineExampleTests } from '../paper/example-tests.ts';
import { u64, vc } from '../abi/helpers.ts';

/** The armhf build of the tools, run by the kernel's AArch32 compat entry. */
const COMPAT_BIN = '/usr/lib/vslab/arm/bin';
const le32 = (v: number): string => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b.toString('hex');
};

describe('sys_vserver on the arm64 vserver kernel', () => {
  const h = useGuest({ arch: 'arm64', variant: 'vserver', backend: 'qemu', disk: { sizeMiB: 8, files: { 'hello.txt': 'hello from the host\n' } } });

  it('runs an AArch64 user space on an AArch64 kernel, and armhf programs beside it', async () => {
    expect((await h.succeed('uname -m')).stdout.trim()).toBe('aarch64');
    expect((await h.succeed(`${COMPAT_BIN}/vsyscall 0 63`)).stdout).toBe('ret=131848 errno=0 OK\n');
  });

  it('64-bit tasks reach it through 244, /proc/virtual/info says so, and the tools find it there', async () => {
    expect(await vc(h.guest.shell, '0 63')).toMatchObject({ ret: 0x00020308 });
    expect((await h.succeed('cat /proc/virtual/info')).stdout).toMatch(/^VCISyscall:\t244$/m);
    expect((await h.succeed('vserver-info')).stdout).toMatch(/syscall: 244/);
    expect(await vc(h.guest.shell, '0x2e010000 999999')).toMatchObject({ ret: -1, name: 'ESRCH' });
    expect(await vc(h.guest.shell, '--drop-cap 41 0 0')).toMatchObject({ ret: -1, name: 'ENOSYS' });
  });

  it('a guest that cannot read /proc/virtual (HIDE_VINFO) still reaches 244 through the built-in number', async () => {
    // ctx_create(150, INIT_SET|PERSISTENT|HIDE_VINFO); in it, get_version and the missing file.
    const HIDE_VINFO = 0x04000000n;
    expect(await vc(h.guest.shell, `--in ${u64((7n << 32n) | (1n << 38n) | HIDE_VINFO)} 0x09010001 150`)).toMatchObject({ ret: 150 });
    try {
      const r = await h.succeed(
        `vsyscall --in 0000000000000000 0x0b010001 150 -- sh -c 'test -e /proc/virtual/info && echo visible; vsyscall 0 63; vserver-info | grep syscall:'`,
      );
      expect(r.stdout).toBe('ret=0 errno=0 OK\nret=131848 errno=0 OK\n    syscall: 244\n');
    } finally {
      await h.succeed(`vsyscall --in ${u64(0n)}${u64(1n << 38n)} 0x34020000 150 >/dev/null`);
    }
  });

  it("armhf tasks reach the compat entry through arm's slot 313 with the same answers", async () => {
    const r = await h.succeed(`${COMPAT_BIN}/vsyscall 0 63; ${COMPAT_BIN}/vsyscall 0x2e010000 999999; ${COMPAT_BIN}/vsyscall --drop-cap 41 0 0`);
    expect(r.stdout).toBe('ret=131848 errno=0 OK\nret=-1 errno=3 ESRCH\nret=-1 errno=38 ENOSYS\n');
    expect((await h.succeed(`${COMPAT_BIN}/vserver-info`)).stdout).toMatch(/syscall: 313/);
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

  it('ctx_rlimit_v0 is 32 bytes from both ABIs (EABI and LP64 both put the u64s at 8, 16, 24)', async () => {
    const KEEP = 0xfffffffffffffffen;
    const lay = (id: number, soft: bigint, hard: bigint): string => le32(id) + '00000000' + u64(0n) + u64(soft) + u64(hard);
    await h.succeed('vsyscall --in 0000000047000000 0x09010001 131');
    try {
      expect((await h.succeed(`${COMPAT_BIN}/vsyscall --in ${lay(6, KEEP, 40n)} 0x3c020000 131`)).stdout).toBe('ret=0 errno=0 OK\n');
      expect((await h.succeed(`vsyscall --in ${lay(7, 20n, 30n)} 0x3c020000 131`)).stdout).toBe('ret=0 errno=0 OK\n');
      // Each ABI reads back what the other set, into 32 bytes and not one more.
      expect((await h.succeed(`${COMPAT_BIN}/vsyscall --in ${lay(7, 0n, 0n)}abababab --out 36 0x3c010000 131`)).stdout).toBe(
        `ret=0 errno=0 OK\nout=${lay(7, 20n, 30n)}abababab\n`,
      );
      expect((await h.succeed(`vsyscall --in ${lay(6, 0n, 0n)}abababab --out 36 0x3c010000 131`)).stdout).toBe(
        `ret=0 errno=0 OK\nout=${lay(6, 40n, 40n)}abababab\n`,
      );
      expect((await h.succeed(`${COMPAT_BIN}/vlimit --xid 131 -a -d`)).stdout).toContain(`${'NPROC'.padEnd(10)}${'  N/A'.padEnd(20)}${'  40'.padEnd(20)}  40`);
    } finally {
      await h.succeed('vsyscall --in 00000000000000000000000040000000 0x34020000 131');
    }
  });

  it('ctx_dlimit_v0 carries the path pointer first: 32 bytes natively (8-byte pointer), 28 through compat', async () => {
    const MNT = '/tmp/dl64';
    const fields = [0xfffffffe, 1000, 0xfffffffe, 50, 0xfffffffe, 0];
    const body = fields.map(le32).join('');
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

  it('FIOC_GETXFLG/SETXFLG: a long natively (0x80087805), 32 bits through the compat ioctl (0x80047805)', async () => {
    for (const bin of ['', `${COMPAT_BIN}/`]) {
      expect((await h.succeed(`${bin}xflg /tmp/ia/f 0x00020000`)).stdout, bin || 'native').toBe('0x01020000\n');
      expect((await h.succeed(`${bin}xflg /tmp/ia/f 0`)).stdout, bin || 'native').toBe('0x01000000\n');
    }
  });

  it('space_mask_v2 is 16 bytes from both ABIs (EABI pads the u64+u32 struct to 8, unlike i386) and reaches the same slots', async () => {
    const NEWUTS = 0x04000000n;
    const lay = (mask: bigint, index: number): string => u64(mask) + le32(index) + '00000000';
    await h.succeed('vsyscall --in 0000000047000000 0x09010001 132');
    try {
      expect(
        (await h.succeed(`${COMPAT_BIN}/vspace --new --mask uts -- sh -c 'hostname c32 && ${COMPAT_BIN}/vsyscall --in ${lay(NEWUTS, 1)} 0x0a030002 132'`))
          .stdout,
      ).toBe('ret=0 errno=0 OK\n');
      expect((await h.succeed(`vspace --new --mask uts -- sh -c 'hostname n64 && vsyscall --in ${lay(NEWUTS, 0)} 0x0a030002 132'`)).stdout).toBe(
        'ret=0 errno=0 OK\n',
      );
      expect((await h.succeed('grep Spaces: /proc/virtual/132/status')).stdout).toBe('Spaces:\t04000000 04000000\n');
      expect((await h.succeed(`${COMPAT_BIN}/vsyscall --in ${lay(0n, 1)} 0x0a010002 132 -- hostname`)).stdout).toBe('ret=0 errno=0 OK\nc32\n');
      expect((await h.succeed(`${COMPAT_BIN}/vsyscall --in ${lay(NEWUTS, 0)} 0x0a010002 132 -- hostname`)).stdout).toBe('ret=0 errno=0 OK\nn64\n');
      expect((await h.succeed(`vsyscall --in ${lay(0n, 1)} 0x0a010002 132 -- hostname`)).stdout).toBe('ret=0 errno=0 OK\nc32\n');
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

  it('TIOCSTI through the AArch32 compat ioctl entry needs the ccap TIOCSTI, as the native entry does', async () => {
    const out = async (cmd: string): Promise<string> => (await h.guest.shell.run(cmd)).stdout;
    // The attack: a guest pushes input into the console, natively and as an armhf program.
    expect(await out('vcontext --create --silent --xid 140 -- tiocsti abc')).toBe('tiocsti: EPERM\n');
    expect(await out(`vcontext --create --silent --xid 141 -- ${COMPAT_BIN}/tiocsti abc`)).toBe('tiocsti: EPERM\n');
    // The control: the host may, and so may a guest the host granted the ccap, from both ABIs.
    expect(await out(`${COMPAT_BIN}/tiocsti abc`)).toBe('tiocsti: ok\n');
    await h.succeed('vsyscall --in 0000000047000000 0x09010001 142 && vsyscall --in 10000000000000001000000000000000 0x34040001 142');
    expect(await out(`vsyscall --in 0000000000000000 0x0b010001 142 -- ${COMPAT_BIN}/tiocsti abc`)).toBe('ret=0 errno=0 OK\ntiocsti: ok\n');
    expect(await out('vsyscall --in 0000000000000000 0x0b010001 142 -- tiocsti abc')).toBe('ret=0 errno=0 OK\ntiocsti: ok\n');
  });

  it('FORK_RSS holds on this SMP kernel, whose RSS counters are split per task: a context past its RSS limit forks nothing', async () => {
    // arm64 is the first row built with SMP (SPLIT_RSS_COUNTING): a freshly exec'd shell's pages
    // sit in its own counters, so a check that reads only the mm's sees it empty and lets it fork.
    const FORK_RSS = 1n << 48n;
    const fork = "sh -c '/bin/true && echo forked'";
    expect(await vc(h.guest.shell, `--in ${u64((7n << 32n) | (1n << 38n))} 0x09010001 160`)).toMatchObject({ ret: 160 });
    try {
      await h.succeed('vlimit --xid 160 --rss 1');
      // The control: without the flag the same fork works.
      expect(await h.guest.shell.run(`vcontext --migrate --xid 160 -- ${fork}`)).toMatchObject({ exitCode: 0, stdout: 'forked\n' });
      expect(await vc(h.guest.shell, `--in ${u64(FORK_RSS)}${u64(FORK_RSS)} 0x34020000 160`)).toMatchObject({ ret: 0 });
      const refused = await h.guest.shell.run(`vcontext --migrate --xid 160 -- ${fork}`);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(/fork.*(Out of memory|Cannot allocate memory)/i);
    } finally {
      await h.succeed(`vsyscall --in ${u64(0n)}${u64(1n << 38n)} 0x34020000 160 >/dev/null`);
    }
  });

  it('the disk image is virtio-blk /dev/vda: it mounts as ext2 and holds what the host put there', async () => {
    await h.succeed('mkdir -p /mnt/vda && mount -t ext2 /dev/vda /mnt/vda');
    try {
      expect((await h.succeed('cat /mnt/vda/hello.txt')).stdout).toBe('hello from the host\n');
      expect((await h.succeed('grep " /mnt/vda " /proc/mounts')).stdout).toMatch(/^\/dev\/vda \/mnt\/vda ext2 rw/);
    } finally {
      await h.succeed('umount /mnt/vda');
    }
  });

  defineExampleTests(h, ' (arm64)');
});
