/**
 * The suite every architecture row besides i386 runs (tests/arches/<arch>.test.ts is one call of
 * defineRowSuite): sys_vserver in the row's slot (ABI.md §2.4), found by the tools at run time
 * and, hidden from /proc/virtual, through the number they were built with; where the kernel has
 * a compat entry (x86_64 for i386, arm64 for armhf, mips64el for o32), the 32-bit tools through
 * it with the same answers; the struct layouts of each ABI — pointer size, where a 32-bit ABI
 * aligns a u64 (4 on i386, 8 on EABI and o32), byte order (s390x is big-endian) — read back
 * across the ABIs with a guard word past each struct; the tools' ioctls; TIOCSTI and FORK_RSS
 * attacked with their controls; the disk image on the board's controller; and the paper's
 * examples (PAPER §8).
 *
 * Everything a row differs in comes from harness/machine/arch.ts (slot, compat, word size, byte
 * order, disk); what it alone must show comes in `extra`. Not in `npm test` (one more TCG guest
 * each): `npm run test:<arch>` runs the row's file and the neutral ABI files under VSLAB_ARCH,
 * `vslab matrix` runs them too.
 */
import { describe, expect, it } from 'vitest';
import type { Arch } from '../../harness/machine/arch.ts';
import { archInfo, guestDiskDevice } from '../../harness/machine/arch.ts';
import { useGuest, type GuestHandle } from '../fixtures.ts';
import { defineExampleTests } from '../paper/example-tests.ts';
import { archWords, vc, type VcResult } from '../abi/helpers.ts';
import { settleUntil } from '../poll.ts';

export interface Row {
  arch: Arch;
  /** What `uname -m` says. */
  machine: string;
  /** Tests only this row needs (run after the shared ones, before the examples). */
  extra?: (h: GuestHandle) => void;
}

/** One user ABI the row's kernel serves: its own, or the 32-bit one of its compat entry. */
interface Abi {
  arch: Arch;
  label: string;
  /** The tools' directory ('' = on PATH). */
  bin: string;
  slot: number;
  bits: 32 | 64;
  /** Where a u64 member lands inside a struct: i386 aligns it to 4, every other ABI to 8. */
  u64Align: 4 | 8;
}

const abiOf = (arch: Arch, bin: string): Abi => ({
  arch,
  label: bin === '' ? 'native' : arch,
  bin,
  slot: archInfo(arch).syscall,
  bits: archInfo(arch).bits,
  u64Align: arch === 'i386' ? 4 : 8,
});

/** RLIMIT_NPROC and RLIMIT_NOFILE, the ids ctx_rlimit_v0 carries (MIPS numbers them apart: ABI.md §5.6). */
const rlimitIds = (arch: Arch): { nproc: number; nofile: number } => (archInfo(arch).kernelArch === 'mips' ? { nproc: 8, nofile: 5 } : { nproc: 6, nofile: 7 });

/** ctx_create's flags INIT_SET|PERSISTENT, and set_cflags' {flags 0, mask PERSISTENT} that ends such a context. */
const INIT_SET_PERSISTENT = (7n << 32n) | (1n << 38n);
const GUARD = 'abababab';

export function defineRowSuite(row: Row): void {
  const { arch } = row;
  const info = archInfo(arch);
  const w = archWords(arch);
  const { u32, u64, s32 } = w;
  const native = abiOf(arch, '');
  const compat = info.compat !== undefined ? abiOf(info.compat, `/usr/lib/vslab/${info.compat}/bin/`) : undefined;
  /** Both ABIs, the compat one first where there is one (it is the one a translation can get wrong). */
  const abis = compat !== undefined ? [compat, native] : [native];
  const other = compat ?? native;
  const disk = guestDiskDevice(arch);

  // The layouts, from the C rules: a pointer is bits/8 bytes, a u64 member aligned to u64Align,
  // a struct's size rounded up to its largest member's alignment.
  const pad = (abi: Abi): string => (abi.u64Align === 8 ? '00000000' : '');
  const rlimit = (abi: Abi, id: number, soft: bigint, hard: bigint): string => u32(id) + pad(abi) + u64(0n) + u64(soft) + u64(hard);
  const dlimit = (abi: Abi, vals: number[]): string =>
    '00'.repeat(abi.bits / 8) + vals.map(u32).join('') + (abi.bits === 64 && vals.length % 2 === 1 ? '00000000' : '');
  const spaceMask = (abi: Abi, mask: bigint, index: number): string => u64(mask) + u32(index) + pad(abi);
  const bytes = (hex: string): number => hex.length / 2;

  describe(`sys_vserver on the ${arch} vserver kernel (${info.bits}-bit, ${info.endian}-endian${compat !== undefined ? `, ${compat.arch} through compat` : ''})`, () => {
    const h = useGuest({
      arch,
      variant: 'vserver',
      backend: 'qemu',
      disk: { sizeMiB: 16, label: 'vslab-examples', files: { 'hello.txt': 'hello from the host\n' } },
    });
    const call = (abi: Abi, args: string): Promise<VcResult> => vc(h.guest.shell, args, `${abi.bin}vsyscall`);
    /** The call's out= bytes; it must succeed. */
    const outOf = async (abi: Abi, args: string): Promise<Buffer> => {
      const r = await call(abi, args);
      expect(r.ret, args).toBe(0);
      if (r.out === undefined) throw new Error(`no out= from vsyscall ${args}`);
      return r.out;
    };
    const endContext = (xid: number): Promise<unknown> => h.succeed(`vsyscall --in ${u64(0n)}${u64(1n << 38n)} set_cflags ${xid} >/dev/null`);

    it(`runs ${row.machine} programs of its own word size and byte order${compat !== undefined ? `, and ${compat.arch} programs beside them` : ''}`, async () => {
      expect((await h.succeed('uname -m')).stdout.trim()).toBe(row.machine);
      // ELF's EI_CLASS (1 = 32-bit, 2 = 64-bit) and EI_DATA (1 = little-endian, 2 = big-endian).
      const elf = (bits: number): string => `7f 45 4c 46 0${bits / 32} 0${info.endian === 'little' ? 1 : 2}`;
      expect((await h.succeed('head -c 6 /usr/lib/vslab/vstool | od -An -tx1')).stdout.trim()).toBe(elf(info.bits));
      for (const abi of abis) expect((await h.succeed(`${abi.bin}vsyscall 0 63`)).stdout, abi.label).toBe('ret=131848 errno=0 OK\n');
      if (compat !== undefined) expect((await h.succeed(`head -c 6 ${compat.bin}../vstool | od -An -tx1`)).stdout.trim()).toBe(elf(32));
    });

    it(`tasks reach it through slot ${native.slot}, /proc/virtual/info says so, and the tools find it there`, async () => {
      expect((await h.succeed('cat /proc/virtual/info')).stdout).toMatch(new RegExp(`^VCISyscall:\\t${native.slot}$`, 'm'));
      expect((await h.succeed('vserver-info')).stdout).toMatch(new RegExp(`syscall: ${native.slot}\\b`));
      expect(await call(native, 'task_xid 999999')).toMatchObject({ ret: -1, name: 'ESRCH' });
      expect(await call(native, '--drop-cap 41 0 0')).toMatchObject({ ret: -1, name: 'ENOSYS' });
    });

    if (compat !== undefined) {
      it(`${compat.arch} tasks reach the compat entry through slot ${compat.slot} with the same answers`, async () => {
        const calls = ['0 63', 'task_xid 999999', '--drop-cap 41 0 0'];
        const answers = async (abi: Abi): Promise<string> => (await h.succeed(calls.map((c) => `${abi.bin}vsyscall ${c}`).join('; '))).stdout;
        expect(await answers(compat)).toMatch(/^ret=131848 errno=0 OK\nret=-1 errno=3 ESRCH\nret=-1 errno=\d+ ENOSYS\n$/);
        expect(await answers(compat)).toBe(await answers(native));
        expect((await h.succeed(`${compat.bin}vserver-info`)).stdout).toMatch(new RegExp(`syscall: ${compat.slot}\\b`));
      });

      it('the context commands keep their layouts through the compat entry (the same bytes as native callers)', async () => {
        // ctx_create, set_ccaps {SET_UTSNAME|SYSLOG, the same mask} from the 32-bit tools, then
        // the ccaps, cflags and nodename read back from both ABIs.
        const caps = u64(0x1001n);
        const setup = `${compat.bin}vsyscall --in ${u64(INIT_SET_PERSISTENT)} ctx_create 130; ${compat.bin}vsyscall --in ${caps}${caps} set_ccaps 130`;
        expect((await h.succeed(setup)).stdout).toBe('ret=130 errno=0 OK\nret=0 errno=0 OK\n');
        try {
          for (const args of ['--out 16 get_ccaps 130', '--out 16 get_cflags 130', `--in ${u32(2)} --out 72 get_vhi_name 130`]) {
            const theirs = (await h.succeed(`${compat.bin}vsyscall ${args}`)).stdout;
            expect(theirs).toMatch(/^ret=0 errno=0 OK\nout=[0-9a-f]+\n$/);
            expect(theirs, args).toBe((await h.succeed(`vsyscall ${args}`)).stdout);
          }
          expect((await h.succeed('vsyscall --out 16 get_ccaps 130')).stdout).toContain(`out=${caps}ffffffffffffffff`);
        } finally {
          await endContext(130);
        }
      });
    }

    it(`a guest that cannot read /proc/virtual (HIDE_VINFO) still reaches ${native.slot} through the built-in number`, async () => {
      const HIDE_VINFO = 0x04000000n;
      expect(await call(native, `--in ${u64(INIT_SET_PERSISTENT | HIDE_VINFO)} ctx_create 150`)).toMatchObject({ ret: 150 });
      try {
        const r = await h.succeed(
          `vsyscall --in ${u64(0n)} ctx_migrate 150 -- sh -c 'test -e /proc/virtual/info && echo visible; vsyscall 0 63; vserver-info | grep syscall:'`,
        );
        expect(r.stdout).toBe(`ret=0 errno=0 OK\nret=131848 errno=0 OK\n    syscall: ${native.slot}\n`);
      } finally {
        await endContext(150);
      }
    });

    it(`the kernel reads and writes the words in ${info.endian}-endian order: vx_info, the cflags, ctx_kill`, async () => {
      const swapped = archWords(info.endian === 'big' ? 'i386' : 's390x');
      // The flagword in the other byte order is another flagword: the kernel refuses it or reads other bits.
      const r = await call(native, `--in ${swapped.u64(INIT_SET_PERSISTENT)} ctx_create 133`);
      if (r.ret === 133) {
        expect((await outOf(native, '--out 16 get_cflags 133')).toString('hex').slice(0, 16)).not.toBe(u64(INIT_SET_PERSISTENT));
        await h.run(`vsyscall --in ${u64(0n)}${u64(1n << 38n)} set_cflags 133; vsyscall --in ${s32(0)}${s32(9)} ctx_kill 133`);
      }
      expect(await call(native, `--in ${u64(INIT_SET_PERSISTENT)} ctx_create 134`)).toMatchObject({ ret: 134 });
      try {
        // vx_info_v0 {u32 xid; s32 initpid}: the xid in the row's order.
        expect((await call(native, '--out 8 vx_info 134')).out?.toString('hex')).toBe(u32(134) + s32(0));
        const flags = await outOf(native, '--out 16 get_cflags 134');
        expect([w.readU64(flags, 0), w.readU64(flags, 8)]).toEqual([INIT_SET_PERSISTENT, 0xffffffffffffffffn]);
        expect((await h.succeed('grep ^Flags: /proc/virtual/134/status')).stdout).toBe(`Flags:\t${INIT_SET_PERSISTENT.toString(16).padStart(16, '0')}\n`);
        // ctx_kill {s32 pid; s32 sig}: SIGTERM (15) to the context's sleeper; in the other order it is a huge signal: EINVAL.
        await h.succeed(`vsyscall --in ${u64(0n)} ctx_migrate 134 -- sleep 60 >/dev/null 2>&1 &`);
        expect(await settleUntil(h.guest.shell, 'grep -q "^Tasks:[[:space:]]1$" /proc/virtual/134/status')).toBe(true);
        expect(await call(native, `--in ${s32(0)}${swapped.s32(15)} ctx_kill 134`)).toMatchObject({ ret: -1, name: 'EINVAL' });
        expect(await call(native, `--in ${s32(0)}${s32(15)} ctx_kill 134`)).toMatchObject({ ret: 0 });
      } finally {
        await endContext(134);
      }
    });

    it(`ctx_rlimit_v0 is {u32 id; u64 minimum, softlimit, maximum}: ${abis.map((a) => `${a.label} ${bytes(rlimit(a, 0, 0n, 0n))} bytes`).join(', ')}`, async () => {
      const KEEP = 0xfffffffffffffffen;
      const { nproc, nofile } = rlimitIds(arch);
      await call(native, `--in ${u64(INIT_SET_PERSISTENT)} ctx_create 131`);
      try {
        // Each ABI sets one limit and reads back the other's, into its own size and not one byte more.
        expect(await call(other, `--in ${rlimit(other, nproc, KEEP, 40n)} set_rlimit 131`)).toMatchObject({ ret: 0 });
        expect(await call(native, `--in ${rlimit(native, nofile, 20n, 30n)} set_rlimit 131`)).toMatchObject({ ret: 0 });
        for (const [abi, id, soft, hard] of [
          [other, nofile, 20n, 30n],
          [native, nproc, 40n, 40n],
        ] as const) {
          const got = await call(abi, `--in ${rlimit(abi, id, 0n, 0n)}${GUARD} --out ${bytes(rlimit(abi, 0, 0n, 0n)) + 4} get_rlimit 131`);
          expect([got.ret, got.out?.toString('hex')], abi.label).toEqual([0, rlimit(abi, id, soft, hard) + GUARD]);
        }
        const table = (await h.succeed(`${other.bin}vlimit --xid 131 -a -d`)).stdout;
        expect(table).toContain(`${'NPROC'.padEnd(10)}${'  N/A'.padEnd(20)}${'  40'.padEnd(20)}  40\n`);
        expect(table).toContain(`${'NOFILE'.padEnd(10)}${'  N/A'.padEnd(20)}${'  20'.padEnd(20)}  30\n`);
      } finally {
        await endContext(131);
      }
    });

    it(`ctx_dlimit_v0 carries the path pointer first: ${abis.map((a) => `${a.label} ${bytes(dlimit(a, [0, 0, 0, 0, 0, 0]))} bytes`).join(', ')}; one entry from every ABI`, async () => {
      const MNT = '/tmp/dlrow';
      const KEEP = 0xfffffffe;
      const withPath = (abi: Abi, hex: string, rest: string): Promise<VcResult> => call(abi, `--in ${hex} --ptr 0=${MNT} ${rest}`);
      await h.succeed(`mkdir -p ${MNT} && mount -t tmpfs -o size=4m tmpfs ${MNT}`);
      try {
        expect(await withPath(other, dlimit(other, [0]), 'add_dlimit 133')).toMatchObject({ ret: 0 });
        if (compat !== undefined) expect(await withPath(native, dlimit(native, [0]), 'add_dlimit 133')).toMatchObject({ ret: -1, name: 'EEXIST' });
        // Used 12 KiB of 1000, 3 of 50 inodes, 5 % reserved: set from one ABI, read from each with a guard word.
        const values = [12, 1000, 3, 50, 5, 0];
        expect(await withPath(other, dlimit(other, values), 'set_dlimit 133')).toMatchObject({ ret: 0 });
        for (const abi of abis) {
          const size = bytes(dlimit(abi, values));
          const got = await withPath(abi, dlimit(abi, [0, 0, 0, 0, 0, 0]) + GUARD, `--out ${size + 4} get_dlimit 133`);
          expect([got.ret, got.out?.subarray(abi.bits / 8).toString('hex')], abi.label).toEqual([0, values.map(u32).join('') + GUARD]);
        }
        // flags is the last field: a native set of 3 MiB (DLIMF_SHIFT, exponent 2 at bit 2) reads back as 3072 KiB.
        expect(await withPath(native, dlimit(native, [KEEP, 3, KEEP, KEEP, KEEP, 0x10 | (2 << 2)]), 'set_dlimit 133')).toMatchObject({ ret: 0 });
        const back = await withPath(other, dlimit(other, [0, 0, 0, 0, 0, 0]), `--out ${bytes(dlimit(other, values))} get_dlimit 133`);
        expect(w.readU32(back.out ?? Buffer.alloc(0), other.bits / 8 + 4)).toBe(3072);
        await h.succeed(`${other.bin}vdlimit --xid 133 --set inodes_total=7 ${MNT}`);
        const listing = `133 ${MNT}\nspace_used=12\nspace_total=3072\ninodes_used=3\ninodes_total=7\nreserved=5\n`;
        for (const abi of abis) expect((await h.succeed(`${abi.bin}vdlimit --xid 133 ${MNT}`)).stdout, abi.label).toBe(listing);
        expect(await withPath(native, dlimit(native, [0]), 'rem_dlimit 133')).toMatchObject({ ret: 0 });
        expect(await withPath(other, dlimit(other, [0]), 'rem_dlimit 133')).toMatchObject({ ret: -1, name: 'ESRCH' });
      } finally {
        await h.guest.shell.run(`umount ${MNT}`);
      }
    });

    it('the file attributes reach the kernel from every ABI: ctx_iattr_v1 (a path pointer) and FIOC_GETXFLG/SETXFLG (a long)', async () => {
      await h.succeed('mkdir -p /tmp/ia && mount -t tmpfs -o tag tmpfs /tmp/ia && touch /tmp/ia/f');
      try {
        for (const { bin, label } of abis) {
          await h.succeed(`${bin}chxid -c 77 /tmp/ia/f && ${bin}setattr --iunlink-but-not-immutable /tmp/ia/f`);
          expect((await h.succeed(`${bin}lsxid /tmp/ia/f; ${bin}showattr /tmp/ia/f`)).stdout, label).toBe(
            `${'77'.padStart(20)}  /tmp/ia/f\n-----UicX  /tmp/ia/f\n`,
          );
          await h.succeed(`${bin}chxid -c 0 /tmp/ia/f && ${bin}setattr --~iunlink /tmp/ia/f`);
          expect((await h.succeed(`${bin}xflg /tmp/ia/f 0x00020000`)).stdout, label).toBe('0x01020000\n');
          expect((await h.succeed(`${bin}xflg /tmp/ia/f 0`)).stdout, label).toBe('0x01000000\n');
        }
      } finally {
        await h.guest.shell.run('umount /tmp/ia');
      }
    });

    it(`space_mask_v2 is {u64 mask; u32 index}: ${abis.map((a) => `${a.label} ${bytes(spaceMask(a, 0n, 0))} bytes`).join(', ')}; each reaches the slots the other set`, async () => {
      const NEWUTS = 0x04000000n;
      await call(native, `--in ${u64(INIT_SET_PERSISTENT)} ctx_create 132`);
      try {
        // set_space from each ABI into its own slot, each from a new UTS namespace.
        const set = async (abi: Abi, name: string, index: number): Promise<string> =>
          (
            await h.succeed(
              `${abi.bin}vspace --new --mask uts -- sh -c 'hostname ${name} && ${abi.bin}vsyscall --in ${spaceMask(abi, NEWUTS, index)} set_space 132'`,
            )
          ).stdout;
        expect(await set(other, 's1', 1)).toBe('ret=0 errno=0 OK\n');
        expect(await set(native, 's0', 0)).toBe('ret=0 errno=0 OK\n');
        expect((await h.succeed('grep Spaces: /proc/virtual/132/status')).stdout).toBe('Spaces:\t04000000 04000000\n');
        const enter = async (abi: Abi, mask: bigint, index: number): Promise<string> =>
          (await h.succeed(`${abi.bin}vsyscall --in ${spaceMask(abi, mask, index)} enter_space 132 -- hostname`)).stdout;
        expect(await enter(other, 0n, 1)).toBe('ret=0 errno=0 OK\ns1\n');
        expect(await enter(other, NEWUTS, 0)).toBe('ret=0 errno=0 OK\ns0\n');
        expect(await enter(native, 0n, 1)).toBe('ret=0 errno=0 OK\ns1\n');
        expect(await call(other, `--in ${spaceMask(other, NEWUTS, 2)} enter_space 132`)).toMatchObject({ ret: -1, name: 'EINVAL' });
        expect(w.readU64(await outOf(native, '--out 8 get_space_mask_v0 0'), 0) & NEWUTS).toBe(NEWUTS);
        for (const cmd of ['get_space_mask', 'get_space_default', 'get_space_mask_v0']) {
          const theirs = (await h.succeed(`${other.bin}vsyscall --out 8 ${cmd} 0`)).stdout;
          expect(theirs, cmd).toMatch(/^ret=0 errno=0 OK\nout=[0-9a-f]{16}\n$/);
          expect(theirs, cmd).toBe((await h.succeed(`vsyscall --out 8 ${cmd} 0`)).stdout);
        }
      } finally {
        await endContext(132);
      }
    });

    it(`TIOCSTI needs the ccap TIOCSTI in a guest${compat !== undefined ? ', through the compat ioctl entry as through the native one' : ''}; the host may`, async () => {
      const out = async (cmd: string): Promise<string> => (await h.guest.shell.run(cmd)).stdout;
      // The attack: a guest pushes input into the console, from every ABI.
      for (const [i, abi] of abis.entries())
        expect(await out(`vcontext --create --silent --xid ${140 + i} -- ${abi.bin}tiocsti abc`), abi.label).toBe('tiocsti: EPERM\n');
      // The control: the host may, and so may a guest the host granted the ccap.
      expect(await out(`${other.bin}tiocsti abc`)).toBe('tiocsti: ok\n');
      const TIOCSTI = u64(0x10n);
      await h.succeed(`vsyscall --in ${u64(INIT_SET_PERSISTENT)} ctx_create 142 && vsyscall --in ${TIOCSTI}${TIOCSTI} set_ccaps 142`);
      try {
        for (const abi of abis)
          expect(await out(`vsyscall --in ${u64(0n)} ctx_migrate 142 -- ${abi.bin}tiocsti abc`), abi.label).toBe('ret=0 errno=0 OK\ntiocsti: ok\n');
      } finally {
        await endContext(142);
      }
    });

    it('FORK_RSS: a context past its RSS limit forks nothing; without the flag the same fork works', async () => {
      // On SMP kernels (SPLIT_RSS_COUNTING) a freshly exec'd shell's pages sit in its own
      // counters: a check that reads only the mm's sees it empty and lets it fork.
      const FORK_RSS = u64(1n << 48n);
      const fork = "sh -c '/bin/true && echo forked'";
      expect(await call(native, `--in ${u64(INIT_SET_PERSISTENT)} ctx_create 160`)).toMatchObject({ ret: 160 });
      try {
        await h.succeed('vlimit --xid 160 --rss 1');
        expect(await h.guest.shell.run(`vcontext --migrate --xid 160 -- ${fork}`)).toMatchObject({ exitCode: 0, stdout: 'forked\n' });
        expect(await call(native, `--in ${FORK_RSS}${FORK_RSS} set_cflags 160`)).toMatchObject({ ret: 0 });
        const refused = await h.guest.shell.run(`vcontext --migrate --xid 160 -- ${fork}`);
        expect(refused.stdout).toBe('');
        expect(refused.stderr).toMatch(/fork.*(Out of memory|Cannot allocate memory)/i);
      } finally {
        await endContext(160);
      }
    });

    it(`the disk image is ${disk} ($VSLAB_DISK, ${info.disk}): it mounts as ext2 and holds what the host put there`, async () => {
      expect((await h.succeed('echo $VSLAB_DISK')).stdout).toBe(`${disk}\n`);
      await h.succeed(`mkdir -p /mnt/disk && mount -t ext2 ${disk} /mnt/disk`);
      try {
        expect((await h.succeed('cat /mnt/disk/hello.txt')).stdout).toBe('hello from the host\n');
        expect((await h.succeed('grep " /mnt/disk " /proc/mounts')).stdout).toMatch(new RegExp(`^${disk} /mnt/disk ext2 rw`));
      } finally {
        await h.succeed('umount /mnt/disk');
      }
    });

    row.extra?.(h);

    defineExampleTests(h, ` (${arch})`);
  });
}
