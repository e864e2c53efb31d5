/**
 * The suite of a 64-bit row without a compat entry (s390x, ppc64el): sys_vserver in the row's
 * own slot (ABI.md §2.4), named by no C library and found by the tools in /proc/virtual/info or,
 * hidden from it, through the number they were built with; the LP64 struct layouts in the row's
 * byte order (s390x is big-endian: the encoders here are the row's, so a little-endian encoder in
 * a test or a tool shows as a wrong answer); the tools' ioctls; FORK_RSS on an SMP kernel; the
 * disk image as virtio-blk; and the paper's examples (PAPER §8).
 *
 * Not in `npm test` (one more TCG guest each): `npm run test:<arch>` runs the row's file and the
 * architecture-neutral ABI files under VSLAB_ARCH; `vslab matrix` runs them too.
 */
import { describe, expect, it } from 'vitest';
import type { Arch } from '../../harness/machine/arch.ts';
import { archInfo } from '../../harness/machine/arch.ts';
import { useGuest } from '../fixtures.ts';
import { defineExampleTests } from '../paper/example-tests.ts';
import { archWords, vc } from '../abi/helpers.ts';

export interface Native64Row {
  arch: Arch;
  /** What `uname -m` says. */
  machine: string;
}

export function defineNative64Suite(row: Native64Row): void {
  const { arch } = row;
  const info = archInfo(arch);
  const nr = info.syscall;
  const w = archWords(arch);
  const { u32, u64, s32 } = w;

  describe(`sys_vserver on the ${arch} vserver kernel (${info.bits}-bit, ${info.endian}-endian)`, () => {
    const h = useGuest({ arch, variant: 'vserver', backend: 'qemu', disk: { sizeMiB: 8, files: { 'hello.txt': 'hello from the host\n' } } });
    const out = async (args: string): Promise<Buffer> => {
      const r = await vc(h.guest.shell, args);
      expect(r.ret, args).toBe(0);
      if (r.out === undefined) throw new Error(`no out= from vsyscall ${args}`);
      return r.out;
    };

    it(`runs a ${row.machine} user space on its own kernel, which answers get_version`, async () => {
      expect((await h.succeed('uname -m')).stdout.trim()).toBe(row.machine);
      expect((await h.succeed('vsyscall 0 63')).stdout).toBe('ret=131848 errno=0 OK\n');
    });

    it(`tasks reach it through slot ${nr}, /proc/virtual/info says so, and the tools find it there`, async () => {
      expect((await h.succeed('cat /proc/virtual/info')).stdout).toMatch(new RegExp(`^VCISyscall:\\t${nr}$`, 'm'));
      expect((await h.succeed('vserver-info')).stdout).toMatch(new RegExp(`syscall: ${nr}\\b`));
      expect(await vc(h.guest.shell, '0x2e010000 999999')).toMatchObject({ ret: -1, name: 'ESRCH' });
      expect(await vc(h.guest.shell, '--drop-cap 41 0 0')).toMatchObject({ ret: -1, name: 'ENOSYS' });
    });

    it(`a guest that cannot read /proc/virtual (HIDE_VINFO) still reaches ${nr} through the built-in number`, async () => {
      const HIDE_VINFO = 0x04000000n;
      expect(await vc(h.guest.shell, `--in ${u64((7n << 32n) | (1n << 38n) | HIDE_VINFO)} 0x09010001 150`)).toMatchObject({ ret: 150 });
      try {
        const r = await h.succeed(
          `vsyscall --in ${u64(0n)} 0x0b010001 150 -- sh -c 'test -e /proc/virtual/info && echo visible; vsyscall 0 63; vserver-info | grep syscall:'`,
        );
        expect(r.stdout).toBe(`ret=0 errno=0 OK\nret=131848 errno=0 OK\n    syscall: ${nr}\n`);
      } finally {
        await h.succeed(`vsyscall --in ${u64(0n)}${u64(1n << 38n)} 0x34020000 150 >/dev/null`);
      }
    });

    it(`the kernel reads and writes the words in ${info.endian}-endian order: vx_info, the cflags, ctx_kill`, async () => {
      const INIT_SET_PERSISTENT = (7n << 32n) | (1n << 38n);
      // The flagword in the other byte order is another flagword: the kernel refuses it or reads other bits.
      const other = archWords(info.endian === 'big' ? 'i386' : 's390x');
      const swapped = await vc(h.guest.shell, `--in ${other.u64(INIT_SET_PERSISTENT)} 0x09010001 133`);
      if (swapped.ret === 133) {
        expect((await out('--out 16 get_cflags 133')).toString('hex').slice(0, 16)).not.toBe(u64(INIT_SET_PERSISTENT));
        await h.run(`vsyscall --in ${u64(0n)}${u64(1n << 38n)} 0x34020000 133; vsyscall --in ${s32(0)}${s32(9)} ctx_kill 133`);
      }
      expect(await vc(h.guest.shell, `--in ${u64(INIT_SET_PERSISTENT)} 0x09010001 134`)).toMatchObject({ ret: 134 });
      try {
        // vx_info_v0 {u32 xid; s32 initpid}: the xid in the row's order.
        expect((await out('--out 8 vx_info 134')).toString('hex')).toBe(u32(134) + s32(0));
        const flags = await out('--out 16 get_cflags 134');
        expect(w.readU64(flags, 0)).toBe(INIT_SET_PERSISTENT);
        expect(w.readU64(flags, 8)).toBe(0xffffffffffffffffn);
        expect((await h.succeed('grep ^Flags: /proc/virtual/134/status')).stdout).toBe(`Flags:\t${INIT_SET_PERSISTENT.toString(16).padStart(16, '0')}\n`);
        // ctx_kill {s32 pid; s32 sig}: SIGTERM (15) to the context's sleeper; the other order (a huge signal) is EINVAL.
        await h.succeed(`vsyscall --in ${u64(0n)} 0x0b010001 134 -- sleep 60 >/dev/null 2>&1 & sleep 0.3`);
        expect(await vc(h.guest.shell, `--in ${s32(0)}${other.s32(15)} ctx_kill 134`)).toMatchObject({ ret: -1, name: 'EINVAL' });
        expect(await vc(h.guest.shell, `--in ${s32(0)}${s32(15)} ctx_kill 134`)).toMatchObject({ ret: 0 });
      } finally {
        await h.succeed(`vsyscall --in ${u64(0n)}${u64(1n << 38n)} 0x34020000 134 >/dev/null`);
      }
    });

    it("ctx_rlimit_v0 is 32 bytes: {u32 id; pad; u64 minimum, softlimit, maximum} in the row's order, as vlimit reads it", async () => {
      const KEEP = 0xfffffffffffffffen;
      const lay = (id: number, soft: bigint, hard: bigint): string => u32(id) + '00000000' + u64(0n) + u64(soft) + u64(hard);
      await h.succeed(`vsyscall --in ${u64((7n << 32n) | (1n << 38n))} 0x09010001 131`);
      try {
        expect((await h.succeed(`vsyscall --in ${lay(6, KEEP, 40n)} 0x3c020000 131`)).stdout).toBe('ret=0 errno=0 OK\n');
        expect((await h.succeed(`vsyscall --in ${lay(7, 20n, 30n)} 0x3c020000 131`)).stdout).toBe('ret=0 errno=0 OK\n');
        // Read back into 32 bytes and not one more.
        expect((await h.succeed(`vsyscall --in ${lay(7, 0n, 0n)}abababab --out 36 0x3c010000 131`)).stdout).toBe(
          `ret=0 errno=0 OK\nout=${lay(7, 20n, 30n)}abababab\n`,
        );
        expect((await h.succeed(`vsyscall --in ${lay(6, 0n, 0n)}abababab --out 36 0x3c010000 131`)).stdout).toBe(
          `ret=0 errno=0 OK\nout=${lay(6, 40n, 40n)}abababab\n`,
        );
        expect((await h.succeed('vlimit --xid 131 -a -d')).stdout).toContain(`${'NPROC'.padEnd(10)}${'  N/A'.padEnd(20)}${'  40'.padEnd(20)}  40`);
      } finally {
        await h.succeed(`vsyscall --in ${u64(0n)}${u64(1n << 38n)} 0x34020000 131`);
      }
    });

    it("ctx_dlimit_v0 carries the 8-byte path pointer first (32 bytes), the u32s after it in the row's order", async () => {
      const MNT = '/tmp/dl64';
      const body = [0xfffffffe, 1000, 0xfffffffe, 50, 0xfffffffe, 0].map(u32).join('');
      await h.succeed(`mkdir -p ${MNT} && mount -t tmpfs -o size=4m tmpfs ${MNT}`);
      try {
        expect(await vc(h.guest.shell, `--in ${u64(0n)}00000000 --ptr 0=${MNT} 0x24010000 600`)).toMatchObject({ ret: 0 });
        expect(await vc(h.guest.shell, `--in ${u64(0n)}${body} --ptr 0=${MNT} 0x24050000 600`)).toMatchObject({ ret: 0 });
        const got = await out(`--in ${u64(0n)}${'00'.repeat(24)}abababab --ptr 0=${MNT} --out 36 0x24060000 600`);
        expect(got.subarray(8).toString('hex')).toBe([0, 1000, 0, 50, 0, 0].map(u32).join('') + 'abababab');
        expect((await h.succeed(`vdlimit --xid 600 ${MNT}`)).stdout).toMatch(/space_total=1000\b[\s\S]*inodes_total=50\b/);
      } finally {
        await h.guest.shell.run(`vsyscall --in ${u64(0n)}00000000 --ptr 0=${MNT} 0x24020000 600; umount ${MNT}`);
      }
    });

    it('ctx_iattr_v1 carries the path pointer: chxid, setattr, lsxid and showattr agree', async () => {
      await h.succeed('mkdir -p /tmp/ia && mount -t tmpfs -o tag tmpfs /tmp/ia && touch /tmp/ia/f');
      await h.succeed('chxid -c 77 /tmp/ia/f && setattr --iunlink-but-not-immutable /tmp/ia/f');
      expect((await h.succeed('lsxid /tmp/ia/f; showattr /tmp/ia/f')).stdout).toBe(`${'77'.padStart(20)}  /tmp/ia/f\n-----UicX  /tmp/ia/f\n`);
      await h.succeed('chxid -c 0 /tmp/ia/f && setattr --~iunlink /tmp/ia/f');
    });

    it('FIOC_GETXFLG/SETXFLG take a long (0x80087805 on LP64)', async () => {
      expect((await h.succeed('xflg /tmp/ia/f 0x00020000')).stdout).toBe('0x01020000\n');
      expect((await h.succeed('xflg /tmp/ia/f 0')).stdout).toBe('0x01000000\n');
    });

    it("space_mask_v2 is 16 bytes {u64 mask; u32 index; pad} in the row's order and reaches the slots it names", async () => {
      const NEWUTS = 0x04000000n;
      const lay = (mask: bigint, index: number): string => u64(mask) + u32(index) + '00000000';
      await h.succeed(`vsyscall --in ${u64((7n << 32n) | (1n << 38n))} 0x09010001 132`);
      try {
        expect((await h.succeed(`vspace --new --mask uts -- sh -c 'hostname s1 && vsyscall --in ${lay(NEWUTS, 1)} 0x0a030002 132'`)).stdout).toBe(
          'ret=0 errno=0 OK\n',
        );
        expect((await h.succeed(`vspace --new --mask uts -- sh -c 'hostname s0 && vsyscall --in ${lay(NEWUTS, 0)} 0x0a030002 132'`)).stdout).toBe(
          'ret=0 errno=0 OK\n',
        );
        expect((await h.succeed('grep Spaces: /proc/virtual/132/status')).stdout).toBe('Spaces:\t04000000 04000000\n');
        expect((await h.succeed(`vsyscall --in ${lay(0n, 1)} 0x0a010002 132 -- hostname`)).stdout).toBe('ret=0 errno=0 OK\ns1\n');
        expect((await h.succeed(`vsyscall --in ${lay(NEWUTS, 0)} 0x0a010002 132 -- hostname`)).stdout).toBe('ret=0 errno=0 OK\ns0\n');
        expect((await h.succeed(`vsyscall --in ${lay(NEWUTS, 2)} 0x0a010002 132`)).stdout).toBe('ret=-1 errno=22 EINVAL\n');
        expect(w.readU64(await out('--out 8 0x0a040000 0'), 0) & NEWUTS).toBe(NEWUTS);
      } finally {
        await h.succeed(`vsyscall --in ${u64(0n)}${u64(1n << 38n)} 0x34020000 132`);
      }
    });

    it('TIOCSTI needs the ccap TIOCSTI in a guest; the host may', async () => {
      const run = async (cmd: string): Promise<string> => (await h.guest.shell.run(cmd)).stdout;
      expect(await run('vcontext --create --silent --xid 140 -- tiocsti abc')).toBe('tiocsti: EPERM\n');
      expect(await run('tiocsti abc')).toBe('tiocsti: ok\n');
      await h.succeed(`vsyscall --in ${u64((7n << 32n) | (1n << 38n))} 0x09010001 142 && vsyscall --in ${u64(0x10n)}${u64(0x10n)} 0x34040001 142`);
      try {
        expect(await run(`vsyscall --in ${u64(0n)} 0x0b010001 142 -- tiocsti abc`)).toBe('ret=0 errno=0 OK\ntiocsti: ok\n');
      } finally {
        await h.succeed(`vsyscall --in ${u64(0n)}${u64(1n << 38n)} 0x34020000 142 >/dev/null`);
      }
    });

    it('FORK_RSS holds on this SMP kernel: a context past its RSS limit forks nothing', async () => {
      const FORK_RSS = 1n << 48n;
      const fork = "sh -c '/bin/true && echo forked'";
      expect(await vc(h.guest.shell, `--in ${u64((7n << 32n) | (1n << 38n))} 0x09010001 160`)).toMatchObject({ ret: 160 });
      try {
        await h.succeed('vlimit --xid 160 --rss 1');
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

    defineExampleTests(h, ` (${arch})`);
  });
}
