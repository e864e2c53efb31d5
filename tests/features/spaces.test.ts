/**
 * Spaces (PAPER §06.1, ABI §4.7, §11 K2): a context keeps its namespaces in two space slots so
 * tools can later run a command in the guest's view of the system. set_space saves the
 * caller's namespaces named by a CLONE_* mask, enter_space moves the caller into them; the
 * util-vserver chain `vspace --new --default -- vcontext --create --xid N -- vspace --set
 * --default -- …` builds guests with their own mount table, SysV IPC and UTS names, and
 * `vspace --enter N --default -- CMD` runs CMD in them from the host.
 *
 * Every command here is ENOSYS on a kernel without spaces.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { vpoll } from '../poll.ts';
import { PERSISTENT, STATE_ADMIN, STATE_SETUP, u32, u64, vc } from '../abi/helpers.ts';

const CLONE_FS = 0x200n;
const NEWNS = 0x20000n;
const NEWUTS = 0x04000000n;
const NEWIPC = 0x08000000n;
const NEWUSER = 0x10000000n;
const NEWPID = 0x20000000n;
const NEWNET = 0x40000000n;
const NEWCGROUP = 0x02000000n;
const NEWTIME = 0x80n;
const CLONE_VM = 0x100n;
/** ABI §4.1: get_space_default is FS, NS, UTS, IPC. */
const DEFAULT = CLONE_FS | NEWNS | NEWUTS | NEWIPC;
/** Every bit a space mask may hold (ABI §4.7). */
const ALL = DEFAULT | NEWUSER | NEWPID | NEWNET | NEWCGROUP | NEWTIME;

const CMD = {
  get_vci: 'get_vci',
  enter_v0: 'enter_space_v0',
  enter_v1: 'enter_space_v1',
  enter: 'enter_space',
  cleanup: '0x0a020000',
  set_v0: '0x0a030000',
  set_v1: 'set_space_v1',
  set: 'set_space',
  mask_v0: 'get_space_mask_v0',
  mask: 'get_space_mask',
  def: 'get_space_default',
  ctx_create: 'ctx_create',
  set_cflags: 'set_cflags',
  migrate_v0: 'ctx_migrate_v0',
};

const STATE_INIT = 1n << 33n;
const INFO_PRIVATE = 8n;

/** struct space_mask_v2 as an i386 task lays it out: u64 mask; u32 index (12 bytes). */
const v2 = (mask: bigint, index = 0): string => `${u64(mask)}${u32(index)}`;
const v1 = (mask: bigint): string => u64(mask);
const hex8 = (v: bigint): string => v.toString(16).padStart(8, '0');

describe('spaces: set_space / enter_space and vspace on the vserver kernel', () => {
  const h = useGuest({ variant: 'vserver' });
  const call = (args: string) => vc(h.guest.shell, args);
  const persistent: number[] = [];

  /** A persistent context, still in setup, that the host administers. */
  const makeContext = async (xid: number, flags = STATE_SETUP | STATE_INIT | STATE_ADMIN): Promise<void> => {
    expect(await call(`--in ${u64(flags | PERSISTENT)} ${CMD.ctx_create} ${xid}`)).toMatchObject({ ret: xid });
    persistent.push(xid);
  };

  afterAll(async () => {
    for (const xid of persistent) await call(`--in ${u64(0n)}${u64(PERSISTENT)} ${CMD.set_cflags} ${xid}`).catch(() => undefined);
    await h.run('for m in $(grep -o "/tmp/spc[^ ]*" /proc/mounts); do umount $m; done; rm -rf /tmp/spc');
  });

  it('get_space_default is FS|NS|UTS|IPC; get_space_mask (v1 and PROCALT v0) holds it and only CLONE_* bits; VCI has SPACES', async () => {
    const def = await call(`--out 8 ${CMD.def} 0`);
    expect(def).toMatchObject({ ret: 0 });
    expect(def.out?.readBigUInt64LE(0)).toBe(DEFAULT);

    const mask = await call(`--out 8 ${CMD.mask} 0`);
    expect(mask).toMatchObject({ ret: 0 });
    const m = mask.out?.readBigUInt64LE(0) ?? 0n;
    expect(m & DEFAULT).toBe(DEFAULT);
    expect(m & ~ALL).toBe(0n);

    // The older word reports the older set: at most FS, NS, UTS, IPC and USER.
    const old = await call(`--out 8 ${CMD.mask_v0} 0`);
    expect(old).toMatchObject({ ret: 0 });
    const o = old.out?.readBigUInt64LE(0) ?? 0n;
    expect(o & DEFAULT).toBe(DEFAULT);
    expect(o & ~(DEFAULT | NEWUSER)).toBe(0n);

    expect((await call(`${CMD.get_vci} 0`)).ret & (1 << 10)).toBe(1 << 10);
    // set_namespace_v0 and cleanup_namespace are not dispatched (ABI §4.7).
    expect(await call(`${CMD.set_v0} 0`)).toMatchObject({ ret: -1, name: 'ENOSYS' });
    expect(await call(`${CMD.cleanup} 0`)).toMatchObject({ ret: -1, name: 'ENOSYS' });
    // vspace --mask-info shows the same two masks.
    expect((await h.succeed('vspace --mask-info')).stdout).toBe(`mask 0x${m.toString(16)} default 0x${DEFAULT.toString(16)}\n`);
  });

  it('each mask bit is saved by set_space and joined by enter_space: NS (mounts), UTS (hostname), IPC (SysV), FS (cwd)', async () => {
    const X = 4201;
    await makeContext(X);
    await h.succeed('mkdir -p /tmp/spc/m /tmp/spc/cwd');
    const hostName = (await h.succeed('hostname')).stdout;

    // NS: a tmpfs mounted in a new mount namespace, saved; the host never sees it.
    const ns = await h.succeed(`vspace --new --mask mnt -- sh -c 'mount -t tmpfs spcns /tmp/spc/m && vsyscall --in ${v2(NEWNS)} ${CMD.set} ${X}'`);
    expect(ns.stdout).toBe('ret=0 errno=0 OK\n');
    expect((await h.run('grep spcns /proc/mounts')).exitCode).toBe(1);
    const inNs = await h.succeed(`vsyscall --in ${v2(NEWNS)} ${CMD.enter} ${X} -- grep spcns /proc/mounts`);
    expect(inNs.stdout).toMatch(/^ret=0 errno=0 OK\nspcns \/tmp\/spc\/m tmpfs /);

    // UTS: a hostname set in a new UTS namespace; entering shows it, the host keeps its own.
    const uts = await h.succeed(`vspace --new --mask uts -- sh -c 'hostname spcuts && vsyscall --in ${v2(NEWUTS)} ${CMD.set} ${X}'`);
    expect(uts.stdout).toBe('ret=0 errno=0 OK\n');
    expect((await h.succeed('hostname')).stdout).toBe(hostName);
    expect((await h.succeed(`vsyscall --in ${v2(NEWUTS)} ${CMD.enter} ${X} -- hostname`)).stdout).toBe('ret=0 errno=0 OK\nspcuts\n');

    // IPC: a SysV semaphore array (3 semaphores) made in a new IPC namespace.
    const pid = (
      await h.succeed(
        `vspace --new --mask ipc -- sh -c 'vsyscall --in ${v2(NEWIPC)} ${CMD.set} ${X} >/tmp/spc/ipc.set && exec limprobe --hold sem 1 3' >/tmp/spc/ipc.out 2>&1 & echo $!`,
      )
    ).stdout.trim();
    try {
      await h.succeed(vpoll('grep -q held /tmp/spc/ipc.out', { timeoutMs: 10_000 }));
      expect((await h.succeed('cat /tmp/spc/ipc.set')).stdout).toBe('ret=0 errno=0 OK\n');
      const rows = (text: string): string[] =>
        text
          .split('\n')
          .slice(1)
          .filter((l) => l.trim() !== '');
      expect(rows((await h.succeed('cat /proc/sysvipc/sem')).stdout)).toEqual([]);
      const inIpc = (await h.succeed(`vsyscall --in ${v2(NEWIPC)} ${CMD.enter} ${X} -- cat /proc/sysvipc/sem`)).stdout;
      expect(inIpc).toMatch(/^ret=0 errno=0 OK\n/);
      const sems = rows(inIpc.replace(/^ret=.*\n/, ''));
      expect(sems).toHaveLength(1);
      expect(sems[0]?.trim().split(/\s+/)[3]).toBe('3'); // key semid perms nsems …
    } finally {
      await h.run(`kill ${pid}`);
    }

    // FS: the working directory (and root) of the saver.
    expect((await h.succeed(`cd /tmp/spc/cwd && vsyscall --in ${v2(CLONE_FS)} ${CMD.set} ${X}`)).stdout).toBe('ret=0 errno=0 OK\n');
    expect((await h.succeed(`cd / && vsyscall --in ${v2(CLONE_FS)} ${CMD.enter} ${X} -- readlink /proc/self/cwd`)).stdout).toBe(
      'ret=0 errno=0 OK\n/tmp/spc/cwd\n',
    );

    // The slot's mask is the OR of what was saved.
    expect((await h.succeed(`grep Spaces: /proc/virtual/${X}/status`)).stdout).toBe(`Spaces:\t${hex8(DEFAULT)} 00000000\n`);
    // Saved from the host's mount namespace, that root shows none of the saved namespace's
    // mounts (/proc/mounts lists what is reachable from the root); save root and cwd again
    // from inside it, as util-vserver's chain does.
    const resave = await h.succeed(`vsyscall --in ${v2(NEWNS)} ${CMD.enter} ${X} -- sh -c 'cd /tmp/spc/cwd && vsyscall --in ${v2(CLONE_FS)} ${CMD.set} ${X}'`);
    expect(resave.stdout).toBe('ret=0 errno=0 OK\nret=0 errno=0 OK\n');
    // enter_space v0 (no data) enters everything of slot 0 at once.
    const all = await h.succeed(`cd / && vsyscall ${CMD.enter_v0} ${X} -- sh -c 'hostname; readlink /proc/self/cwd; grep -c spcns /proc/mounts'`);
    expect(all.stdout).toBe('ret=0 errno=0 OK\nspcuts\n/tmp/spc/cwd\n1\n');
  });

  it('slot 0 UTS is the context UTS: vuname, a migrated task and enter_space agree; slot 1 is separate; v1 words use slot 0', async () => {
    const X = 4202;
    await makeContext(X);
    const set = await h.succeed(`vspace --new --mask uts -- sh -c 'hostname spcslot0 && vsyscall --in ${v1(NEWUTS)} ${CMD.set_v1} ${X}'`);
    expect(set.stdout).toBe('ret=0 errno=0 OK\n');
    expect((await h.succeed(`vuname -g --xid ${X} nodename`)).stdout).toBe('spcslot0\n');
    expect((await h.succeed(`vsyscall ${CMD.migrate_v0} ${X} -- hostname`)).stdout).toBe('ret=0 errno=0 OK\nspcslot0\n');
    // vuname renames the context: entering slot 0 shows the new name.
    await h.succeed(`vuname -s --xid ${X} -t nodename=spcrenamed`);
    expect((await h.succeed(`vsyscall --in ${v1(NEWUTS)} ${CMD.enter_v1} ${X} -- hostname`)).stdout).toBe('ret=0 errno=0 OK\nspcrenamed\n');

    // Slot 1 keeps its own; the context's own name does not change.
    const set1 = await h.succeed(`vspace --new --mask uts -- sh -c 'hostname spcslot1 && vsyscall --in ${v2(NEWUTS, 1)} ${CMD.set} ${X}'`);
    expect(set1.stdout).toBe('ret=0 errno=0 OK\n');
    expect((await h.succeed(`grep Spaces: /proc/virtual/${X}/status`)).stdout).toBe(`Spaces:\t${hex8(NEWUTS)} ${hex8(NEWUTS)}\n`);
    expect((await h.succeed(`vsyscall --in ${v2(0n, 1)} ${CMD.enter} ${X} -- hostname`)).stdout).toBe('ret=0 errno=0 OK\nspcslot1\n');
    expect((await h.succeed(`vspace --enter ${X} --index 1 -- hostname`)).stdout).toBe('spcslot1\n');
    expect((await h.succeed(`vuname -g --xid ${X} nodename`)).stdout).toBe('spcrenamed\n');
    // /proc/virtual/<xid>/nsproxy and nsproxy1 describe the two slots.
    expect((await h.succeed(`cat /proc/virtual/${X}/nsproxy`)).stdout).toMatch(/^NSProxy:\t\S+ \[\S+,\S+,\S+\]\n(.*\n)*NodeName:\tspcrenamed\n/);
    expect((await h.succeed(`cat /proc/virtual/${X}/nsproxy1`)).stdout).toMatch(/NodeName:\tspcslot1\n/);
  });

  it('errors: bits outside get_space_mask, index ≥ 2, a namespace not saved are EINVAL; a bad pointer EFAULT; no such context ESRCH; private context EACCES', async () => {
    const X = 4203;
    await makeContext(X);
    const EINVAL = { ret: -1, name: 'EINVAL' };
    expect(await call(`--in ${v2(NEWUTS, 2)} ${CMD.set} ${X}`)).toMatchObject(EINVAL);
    expect(await call(`--in ${v2(NEWUTS | CLONE_VM)} ${CMD.set} ${X}`)).toMatchObject(EINVAL);
    expect(await call(`--in ${v1(1n << 40n)} ${CMD.set_v1} ${X}`)).toMatchObject(EINVAL);
    expect(await call(`--in ${v2(0n, 2)} ${CMD.enter} ${X}`)).toMatchObject(EINVAL);
    expect(await call(`--in ${v2(CLONE_VM)} ${CMD.enter} ${X}`)).toMatchObject(EINVAL);
    // Nothing saved yet: neither "everything" nor a named namespace can be entered.
    expect(await call(`${CMD.enter_v0} ${X}`)).toMatchObject(EINVAL);
    expect(await call(`--in ${v2(NEWNS)} ${CMD.enter} ${X}`)).toMatchObject(EINVAL);
    // Saved UTS only: NS is still not saved, slot 1 still empty.
    expect((await h.succeed(`vspace --new --mask uts -- vsyscall --in ${v2(NEWUTS)} ${CMD.set} ${X}`)).stdout).toBe('ret=0 errno=0 OK\n');
    expect(await call(`--in ${v2(NEWNS | NEWUTS)} ${CMD.enter} ${X}`)).toMatchObject(EINVAL);
    expect(await call(`--in ${v2(0n, 1)} ${CMD.enter} ${X}`)).toMatchObject(EINVAL);

    for (const cmd of [CMD.set, CMD.set_v1, CMD.enter, CMD.enter_v1, CMD.mask, CMD.mask_v0, CMD.def]) {
      expect(await call(`--badptr ${cmd} ${X}`), cmd).toMatchObject({ ret: -1, name: 'EFAULT' });
    }
    for (const args of [`--in ${v2(NEWUTS)} ${CMD.set} 4299`, `--in ${v2(NEWUTS)} ${CMD.enter} 4299`, `${CMD.enter_v0} 0`]) {
      expect(await call(args), args).toMatchObject({ ret: -1, name: 'ESRCH' });
    }

    // A private context past setup cannot be entered (set_space still works for its admin).
    const P = 4204;
    await makeContext(P, STATE_ADMIN | INFO_PRIVATE);
    expect((await h.succeed(`vspace --new --mask uts -- vsyscall --in ${v2(NEWUTS)} ${CMD.set} ${P}`)).stdout).toBe('ret=0 errno=0 OK\n');
    expect(await call(`--in ${v2(NEWUTS)} ${CMD.enter} ${P}`)).toMatchObject({ ret: -1, name: 'EACCES' });
    expect(await call(`${CMD.enter_v0} ${P}`)).toMatchObject({ ret: -1, name: 'EACCES' });
  });

  it('vspace answers --help on stdout, and bad options, a missing XID or CMD with a usage line and exit 255', async () => {
    const help = await h.run('vspace --help');
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^usage: vspace\b/);
    for (const args of ['--no-such-option', '', '--enter', '--enter 4201', '--new', '--mask nosuchspace --new -- true', '--enter x -- true']) {
      const r = await h.run(`vspace ${args}`);
      expect(r.exitCode, args).toBe(255);
      expect(r.stderr, args).toMatch(/^usage: vspace\b/m);
    }
    // A kernel error: "vspace: enter_space: <error>", exit 255.
    const r = await h.run('vspace --enter 4299 --default -- true');
    expect(r).toMatchObject({ exitCode: 255, stderr: 'vspace: enter_space: No such process\n' });
  });

  describe('two guests started the util-vserver way', () => {
    const A = 4211;
    const B = 4212;
    /** util-vserver's chcontext chain (ABI §11.1), minus the tools other tests cover. */
    const start = (xid: number, mnt: string, nsems: number): string =>
      `vspace --new --default -- vcontext --create --silent --xid ${xid} -- vspace --set --default -- ` +
      `sh -c 'mount -t tmpfs ${mnt} /tmp/spc/g && { limprobe --hold sem 1 ${nsems} >/tmp/spc/${mnt}.sem 2>&1 & } && ` +
      `{ sleep 1000 >/dev/null 2>&1 & echo $!; }'`;
    const enter = (xid: number, cmd: string): string => `vspace --enter ${xid} --default -- ${cmd}`;

    afterAll(async () => {
      await h.run(`vkill --xid ${A} -s KILL; vkill --xid ${B} -s KILL`);
    });

    it('each guest has its own mount table, SysV IPC and UTS names; the host sees none of them', async () => {
      await h.succeed('mkdir -p /tmp/spc/g');
      const hostName = (await h.succeed('hostname')).stdout;
      await h.succeed(start(A, 'spcA', 2));
      await h.succeed(start(B, 'spcB', 5));
      await h.succeed(vpoll('grep -q held /tmp/spc/spcA.sem && grep -q held /tmp/spc/spcB.sem', { timeoutMs: 10_000 }));
      await h.succeed(`vuname -s --xid ${A} -t nodename=guestA && vuname -s --xid ${B} -t nodename=guestB`);

      // Mounts: each guest sees its own tmpfs only; the host neither.
      const mA = (await h.succeed(enter(A, 'cat /proc/mounts'))).stdout;
      const mB = (await h.succeed(enter(B, 'cat /proc/mounts'))).stdout;
      expect(mA).toMatch(/^spcA \/tmp\/spc\/g tmpfs /m);
      expect(mA).not.toMatch(/spcB/);
      expect(mB).toMatch(/^spcB \/tmp\/spc\/g tmpfs /m);
      expect(mB).not.toMatch(/spcA/);
      expect((await h.succeed('cat /proc/mounts')).stdout).not.toMatch(/spcA|spcB/);

      // SysV IPC: one semaphore array each (2 and 5 semaphores), none on the host.
      const nsems = async (cmd: string): Promise<string[]> =>
        (await h.succeed(cmd)).stdout
          .split('\n')
          .slice(1)
          .filter((l) => l.trim() !== '')
          .map((l) => l.trim().split(/\s+/)[3] ?? '');
      expect(await nsems(enter(A, 'cat /proc/sysvipc/sem'))).toEqual(['2']);
      expect(await nsems(enter(B, 'cat /proc/sysvipc/sem'))).toEqual(['5']);
      expect(await nsems('cat /proc/sysvipc/sem')).toEqual([]);

      // UTS: the names vuname set are what the guest's uname says, apart from the host's.
      expect((await h.succeed(enter(A, 'hostname'))).stdout).toBe('guestA\n');
      expect((await h.succeed(enter(B, 'hostname'))).stdout).toBe('guestB\n');
      expect((await h.succeed(`vcontext --migrate --xid ${A} -- hostname`)).stdout).toBe('guestA\n');
      expect((await h.succeed('hostname')).stdout).toBe(hostName);

      // The slot holds the default mask; nsproxy shows the guest's names.
      expect((await h.succeed(`grep Spaces: /proc/virtual/${A}/status`)).stdout).toBe(`Spaces:\t${hex8(DEFAULT)} 00000000\n`);
      expect((await h.succeed(`cat /proc/virtual/${A}/nsproxy`)).stdout).toMatch(/^NodeName:\tguestA$/m);
      expect((await h.succeed(`cat /proc/virtual/${A}/nsproxy1`)).stdout).toBe('');
    });

    it('a guest cannot enter or save into another context: EPERM / ESRCH in setup, ENOSYS after', async () => {
      const inA = (args: string): Promise<{ ret: number; name: string }> =>
        h.succeed(`vcontext --migrate --xid ${A} -- vsyscall ${args}`).then((r) => {
          const m = /^ret=(-?\d+) errno=\d+ (\w+)$/m.exec(r.stdout);
          return { ret: Number(m?.[1]), name: m?.[2] ?? '' };
        });
      // enter_space is host-only (ADMIN without SETUP).
      expect(await inA(`--in ${v2(0n)} ${CMD.enter} ${B}`)).toMatchObject({ ret: -1, name: 'EPERM' });
      expect(await inA(`--in ${v2(0n)} ${CMD.enter} ${A}`)).toMatchObject({ ret: -1, name: 'EPERM' });
      // set_space works on the guest's own context during setup, never on another.
      expect(await inA(`--in ${v2(NEWUTS)} ${CMD.set} ${B}`)).toMatchObject({ ret: -1, name: 'ESRCH' });
      expect(await inA(`--in ${v2(NEWUTS)} ${CMD.set} -2`)).toMatchObject({ ret: 0 });
      // Setup ended: no CAP_CONTEXT, the interface is gone.
      expect(await call(`--in ${u64(0n)}${u64(STATE_SETUP)} ${CMD.set_cflags} ${A}`)).toMatchObject({ ret: 0 });
      expect(await inA(`--in ${v2(0n)} ${CMD.enter} ${B}`)).toMatchObject({ ret: -1, name: 'ENOSYS' });
      // The host still enters the guest, and it still has its mount.
      expect((await h.succeed(enter(A, 'grep -c spcA /proc/mounts'))).stdout).toBe('1\n');
    });
  });
});
