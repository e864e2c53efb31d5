/**
 * ABI conformance of the remaining context commands (ABI.md §3, §4.1–§4.3): ccaps, umask, wmask,
 * set_vhi_name, the ctx_migrate flags, wait_exit and task_xid, called raw through vsyscall. Layouts
 * are read as the kernel writes them (i386, little endian).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { ALL, guestWords, INIT_SET, PERSISTENT, u64, vc } from './helpers.ts';

/** vhi_name_v0: {u32 field; char name[65]}, padded to 72 bytes; the field in the guest's byte order. */
const vhiName = (field: number, name: string): string => {
  const b = Buffer.alloc(68);
  b.write(name, 0, 65, 'latin1');
  return guestWords.u32(field) + b.toString('hex');
};
const VXC = { SET_UTSNAME: 0x1n, TIOCSTI: 0x10n, SYSLOG: 0x1000n };
const VHIN = { CONTEXT: 0, NODENAME: 2, DOMAINNAME: 6 };

describe('context attributes: ccaps, umask, wmask, vhi_name, migrate flags, wait_exit, task_xid', () => {
  const h = useGuest({ variant: 'vserver' });
  const XID = 120;
  const call = (args: string) => vc(h.guest.shell, args);

  afterAll(async () => {
    for (const xid of [XID, 121, 126]) await call(`--in ${u64(0n)}${u64(PERSISTENT)} set_cflags ${xid}`).catch(() => undefined);
  });

  it('setup: a persistent context to work on', async () => {
    expect(await call(`--in ${u64(INIT_SET | PERSISTENT)} ctx_create ${XID}`)).toMatchObject({ ret: XID });
  });

  for (const [name, get, set] of [
    ['ctx_caps_v1 {u64 ccaps, u64 cmask}', 'get_ccaps', 'set_ccaps'],
    ['umask {u64 umask, u64 mask}', 'get_umask', 'set_umask'],
    ['wmask {u64 wmask, u64 mask}', 'get_wmask', 'set_wmask'],
  ] as const) {
    it(`${name}: starts at 0 with mask ~0, and set applies new = (old & ~mask) | (value & mask)`, async () => {
      const read = async (): Promise<[bigint, bigint]> => {
        const r = await call(`--out 16 ${get} ${XID}`);
        expect(r).toMatchObject({ ret: 0 });
        return [r.u64(0) ?? -1n, r.u64(8) ?? -1n];
      };
      expect(await read()).toEqual([0n, ALL]);
      const a = VXC.SET_UTSNAME | VXC.SYSLOG;
      expect(await call(`--in ${u64(a)}${u64(a | VXC.TIOCSTI)} ${set} ${XID}`)).toMatchObject({ ret: 0 });
      expect(await read()).toEqual([a, ALL]);
      // A value bit outside the mask changes nothing; a masked zero clears.
      expect(await call(`--in ${u64(VXC.TIOCSTI)}${u64(VXC.SYSLOG)} ${set} ${XID}`)).toMatchObject({ ret: 0 });
      expect(await read()).toEqual([VXC.SET_UTSNAME, ALL]);
      expect(await call(`--in ${u64(0n)}${u64(ALL)} ${set} ${XID}`)).toMatchObject({ ret: 0 });
      expect(await read()).toEqual([0n, ALL]);
    });
  }

  it('set_vhi_name sets one field of the context only; an unknown field is EINVAL; long names are cut at 64 bytes', async () => {
    expect(await call(`--in ${vhiName(VHIN.NODENAME, 'guest120')} set_vhi_name ${XID}`)).toMatchObject({ ret: 0 });
    const node = await call(`--in ${vhiName(VHIN.NODENAME, '')} --out 72 get_vhi_name ${XID}`);
    expect(node.out?.subarray(4, 4 + 9).toString('latin1')).toBe('guest120\0');
    expect((await h.succeed('hostname')).stdout).toBe('vslab\n'); // the host's name is unchanged
    // The context name (VHIN_CONTEXT) lives beside the uts fields.
    expect(await call(`--in ${vhiName(VHIN.CONTEXT, 'web')} set_vhi_name ${XID}`)).toMatchObject({ ret: 0 });
    const ctx = await call(`--in ${vhiName(VHIN.CONTEXT, '')} --out 72 get_vhi_name ${XID}`);
    expect(ctx.out?.subarray(4, 8).toString('latin1')).toBe('web\0');
    for (const field of [7, 0xffffffff]) {
      expect(await call(`--in ${vhiName(field, 'x')} set_vhi_name ${XID}`)).toMatchObject({ ret: -1, name: 'EINVAL' });
      expect(await call(`--in ${vhiName(field, '')} --out 72 get_vhi_name ${XID}`)).toMatchObject({ ret: -1, name: 'EINVAL' });
    }
    // 65 bytes with no terminator: the kernel keeps the first 64.
    const long = 'd'.repeat(65);
    expect(await call(`--in ${vhiName(VHIN.DOMAINNAME, long)} set_vhi_name ${XID}`)).toMatchObject({ ret: 0 });
    const dom = await call(`--in ${vhiName(VHIN.DOMAINNAME, '')} --out 72 get_vhi_name ${XID}`);
    expect(dom.out?.subarray(4, 4 + 65).toString('latin1')).toBe(`${'d'.repeat(64)}\0`);
    // The guest sees what was set.
    const seen = await h.succeed(`vcontext --migrate --xid ${XID} -- sh -c 'hostname; cat /proc/sys/kernel/domainname'`);
    expect(seen.stdout).toBe(`guest120\n${'d'.repeat(64)}\n`);
  });

  it('ctx_migrate VXM_SET_INIT makes the caller the context init (Init: is its pid), and unknown flags are EINVAL', async () => {
    expect(await call(`--in ${u64(4n)} ctx_migrate ${XID}`)).toMatchObject({ ret: -1, name: 'EINVAL' });
    const r = await h.succeed(`vsyscall --in ${u64(1n)} ctx_migrate ${XID} -- sh -c 'echo $$; grep ^Init: /proc/virtual/${XID}/info; vsyscall task_xid 0'`);
    const [ret, pid, init, xid] = r.stdout.trim().split('\n');
    expect(ret).toBe('ret=0 errno=0 OK');
    expect(init).toBe(`Init:\t${pid}`);
    expect(xid).toBe(`ret=${XID} errno=0 OK`);
    // The init has exited: no init any more.
    expect((await h.succeed(`grep ^Init: /proc/virtual/${XID}/info`)).stdout).toBe('Init:\t0\n');
  });

  it('ctx_migrate VXM_SET_REAPER makes the caller the reaper of orphans in the context', async () => {
    // A grandchild orphaned by its parent is re-parented to the reaper, not to the host's init.
    const orphanPpid = (flags: bigint) =>
      h.succeed(
        `vsyscall --in ${u64(flags)} ctx_migrate ${XID} -- sh -c '` +
          `sh -c "sleep 30 >/dev/null & echo \\$!" >/tmp/orphan; ` +
          `p=$(cat /tmp/orphan); echo $$ $(cut -d" " -f4 /proc/$p/stat); kill $p'`,
      );
    const reaped = (await orphanPpid(2n)).stdout.trim().split('\n')[1]?.split(' ');
    expect(reaped?.[1]).toBe(reaped?.[0]);
    const plain = (await orphanPpid(0n)).stdout.trim().split('\n')[1]?.split(' ');
    expect(plain?.[1]).not.toBe(plain?.[0]);
  });

  it('task_xid answers a guest for its own tasks, and ESRCH for tasks it cannot see', async () => {
    const r = await h.succeed(`vcontext --create --silent --xid 121 -- sh -c 'vsyscall task_xid 0; vsyscall task_xid $$; vsyscall task_xid 1'`);
    expect(r.stdout).toBe('ret=121 errno=0 OK\nret=121 errno=0 OK\nret=-1 errno=3 ESRCH\n');
    // From the host: a host task is 0, a guest task is its xid.
    expect(await call(`task_xid 1`)).toMatchObject({ ret: 0 });
  });

  it('a guest in setup may run SETUP commands on itself, but not other ADMIN commands (EPERM), and finds no other context (ESRCH)', async () => {
    const r = await h.succeed(
      `vcontext --create --silent --xid 122 -- sh -c '` +
        // From inside only narrowing (a raise is EPERM: fidelity.test.ts); clearing a ccap works.
        `vsyscall --in ${u64(0n)}${u64(VXC.SET_UTSNAME)} set_ccaps 122; ` +
        `vsyscall --in ${guestWords.s32(0)}${guestWords.s32(0)} ctx_kill 122; ` +
        `vsyscall --in ${u64(0n)} ctx_migrate 122; ` +
        `vsyscall --out 16 get_ccaps ${XID}'`,
    );
    expect(r.stdout.split('\n').filter((l) => l.startsWith('ret='))).toEqual([
      'ret=0 errno=0 OK',
      'ret=-1 errno=1 EPERM',
      'ret=-1 errno=1 EPERM',
      'ret=-1 errno=3 ESRCH',
    ]);
  });

  it('ccap TIOCSTI: a guest may push input into a terminal only with it; the host always may', async () => {
    expect((await h.succeed('tiocsti abc')).stdout).toBe('tiocsti: ok\n');
    const without = await h.guest.shell.run(`vcontext --create --silent --xid 125 -- tiocsti abc`);
    expect(without).toMatchObject({ exitCode: 1, stdout: 'tiocsti: EPERM\n' });
    // The host grants the ccap (from inside a context may only narrow itself), then a task joins.
    expect(await call(`--in ${u64(INIT_SET | PERSISTENT)} ctx_create 126`)).toMatchObject({ ret: 126 });
    expect(await call(`--in ${u64(VXC.TIOCSTI)}${u64(VXC.TIOCSTI)} set_ccaps 126`)).toMatchObject({ ret: 0 });
    const granted = await h.succeed(`vsyscall --in ${u64(0n)} ctx_migrate 126 -- tiocsti abc`);
    expect(granted.stdout).toBe('ret=0 errno=0 OK\ntiocsti: ok\n');
  });

  it('wait_exit blocks until the context is gone, then reports {reboot_cmd, exit_code} of the last task', async () => {
    await call(`--in ${u64(INIT_SET | PERSISTENT)} ctx_create 123`);
    // The waiter and a task inside; then the context loses its persistence, and the task exits with 3.
    await h.succeed(`vsyscall --out 8 wait_exit 123 >/tmp/waited & echo $! >/tmp/waiter`);
    await h.succeed(`vcontext --migrate --xid 123 -- sh -c 'while [ ! -e /tmp/go ]; do sleep 0.05; done; exit 3' >/dev/null 2>&1 & true`);
    expect((await h.succeed('cat /tmp/waited')).stdout).toBe(''); // still blocked
    await call(`--in ${u64(0n)}${u64(PERSISTENT)} set_cflags 123`);
    expect((await h.succeed('cat /tmp/waited')).stdout).toBe(''); // a task is still inside
    await h.succeed('touch /tmp/go');
    await h.succeed(`i=0; while kill -0 $(cat /tmp/waiter) 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done`);
    const out = /^out=([0-9a-f]+)$/m.exec((await h.succeed('cat /tmp/waited')).stdout)?.[1] ?? '';
    expect((await h.succeed('head -1 /tmp/waited')).stdout).toBe('ret=0 errno=0 OK\n');
    const data = Buffer.from(out, 'hex');
    expect(guestWords.readS32(data, 0)).toBe(0); // no reboot was asked for
    expect(guestWords.readS32(data, 4)).toBe(3 << 8); // wait(2) status of exit(3)
    // A missing context is ESRCH at once; a bad pointer is EFAULT before any wait.
    expect(await call(`--out 8 wait_exit 123`)).toMatchObject({ ret: -1, name: 'ESRCH' });
    expect(await call(`--in ${u64(INIT_SET | PERSISTENT)} ctx_create 124`)).toMatchObject({ ret: 124 });
    expect(await call(`--badptr wait_exit 124`)).toMatchObject({ ret: -1, name: 'EFAULT' });
    await call(`--in ${u64(0n)}${u64(PERSISTENT)} set_cflags 124`);
  });
});
