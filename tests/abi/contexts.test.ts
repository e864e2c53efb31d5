/**
 * ABI conformance of the context commands (ABI.md §3, §4.1–§4.3, §4.10) on the booted kernel,
 * through vsyscall: the command words, the struct layouts as the kernel writes them (i386, little
 * endian), return values, and the errno of each permission rule.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { CAP_SYS_ADMIN, guestWords, INIT_SET, PERSISTENT, STATE_ADMIN, STATE_SETUP, u64, vc } from './helpers.ts';

const CAP_SYS_RESOURCE = 24;

describe('context commands: layouts, values and permission errnos', () => {
  const h = useGuest({ variant: 'vserver' });
  const XID = 88;
  const call = (args: string) => vc(h.guest.shell, args);

  afterAll(async () => {
    await call(`--in ${u64(0n)}${u64(PERSISTENT)} set_cflags ${XID}`).catch(() => undefined);
  });

  it('ctx_create v1 returns the new id; ids outside 2..65535 are EINVAL; an id still in setup is EBUSY', async () => {
    expect(await call(`--in ${u64(INIT_SET | PERSISTENT)} ctx_create ${XID}`)).toMatchObject({ ret: XID });
    expect(await call(`--in ${u64(INIT_SET)} ctx_create 1`)).toMatchObject({ ret: -1, name: 'EINVAL' });
    expect(await call(`--in ${u64(INIT_SET)} ctx_create 65536`)).toMatchObject({ ret: -1, name: 'EINVAL' });
    expect(await call(`--in ${u64(INIT_SET)} ctx_create ${XID}`)).toMatchObject({ ret: -1, name: 'EBUSY' });
  });

  it('vx_info_v0 is {u32 xid, u32 initpid}; ctx_stat_v0 is {u32 usecnt, u32 tasks}', async () => {
    const info = await call(`--out 8 vx_info ${XID}`);
    expect(info).toMatchObject({ ret: 0 });
    expect(info.u32(0)).toBe(XID);
    expect(info.u32(4)).toBe(0); // no init chosen
    const stat = await call(`--out 8 ctx_stat ${XID}`);
    expect(stat).toMatchObject({ ret: 0 });
    expect(stat.u32(0)).toBeGreaterThanOrEqual(1); // the persistence reference
    expect(stat.u32(4)).toBe(0); // its creator has exited
  });

  it('ctx_flags_v0 is {u64 flagword, u64 mask}: the create flags, and a full mask while no one-time bit is cleared', async () => {
    const r = await call(`--out 16 get_cflags ${XID}`);
    expect(r).toMatchObject({ ret: 0 });
    expect(r.u64(0)).toBe(INIT_SET | PERSISTENT);
    expect(r.u64(8)).toBe(0xffffffffffffffffn);
  });

  it('bcaps is {u64 bcaps, u64 bmask}: a new context may hold every capability but CAP_CONTEXT', async () => {
    const r = await call(`--out 16 get_bcaps ${XID}`);
    expect(r).toMatchObject({ ret: 0 });
    const bcaps = r.u64(0) ?? 0n;
    expect(bcaps & (1n << BigInt(CAP_SYS_ADMIN))).not.toBe(0n);
    expect(bcaps & (1n << 41n)).toBe(0n);
    expect(r.u64(8)).toBe(0xffffffffffffffffn);
  });

  it('vhi_name_v0 is {u32 field; char name[65]} (72 bytes): the nodename is copied from the host', async () => {
    const r = await call(`--in ${guestWords.u32(2)} --out 72 get_vhi_name ${XID}`);
    expect(r).toMatchObject({ ret: 0 });
    expect(r.out?.subarray(4, 4 + 6).toString('latin1')).toBe('vslab\0');
  });

  it('a missing context is ESRCH, and so are ids 0 and 1, which have no context object', async () => {
    for (const id of ['89', '0', '1']) expect(await call(`--out 8 vx_info ${id}`)).toMatchObject({ ret: -1, name: 'ESRCH' });
  });

  it('level > 1 without CAP_SYS_ADMIN is EPERM; ARES without CAP_SYS_RESOURCE is EPERM', async () => {
    expect(await call(`--drop-cap ${CAP_SYS_ADMIN} --out 8 vx_info ${XID}`)).toMatchObject({ ret: -1, name: 'EPERM' });
    expect(await call(`--drop-cap ${CAP_SYS_RESOURCE} --in ${u64(0n)}${u64(0n)} set_cflags ${XID}`)).toMatchObject({ ret: -1, name: 'EPERM' });
    expect(await call(`--in ${u64(0n)}${u64(0n)} set_cflags ${XID}`)).toMatchObject({ ret: 0 });
  });

  it('set_cflags applies new = (old & ~mask) | (value & mask), and a cleared one-time bit cannot be set again', async () => {
    expect(await call(`--in ${u64(0n)}${u64(STATE_SETUP)} set_cflags ${XID}`)).toMatchObject({ ret: 0 });
    const after = await call(`--out 16 get_cflags ${XID}`);
    expect(after.u64(0)).toBe((INIT_SET | PERSISTENT) & ~STATE_SETUP);
    expect(after.u64(8)).toBe(0xffffffffffffffffn & ~STATE_SETUP);
    await call(`--in ${u64(STATE_SETUP)}${u64(STATE_SETUP)} set_cflags ${XID}`);
    expect((await call(`--out 16 get_cflags ${XID}`)).u64(0)).toBe((INIT_SET | PERSISTENT) & ~STATE_SETUP);
    // Past setup, the id is taken: EEXIST.
    expect(await call(`--in ${u64(INIT_SET)} ctx_create ${XID}`)).toMatchObject({ ret: -1, name: 'EEXIST' });
  });

  it('a caller inside a context that has left setup sees no interface at all (no CAP_CONTEXT: ENOSYS)', async () => {
    const r = await h.guest.shell.succeed(`vcontext --create --silent --endsetup --xid 90 -- vsyscall 0 0`);
    // ENOSYS is 38 on x86 and arm, 89 on MIPS (its errno numbers are its own)
    const ENOSYS = h.guest.kernel.arch.startsWith('mips') ? 89 : 38;
    expect(r.stdout).toBe(`ret=-1 errno=${ENOSYS} ENOSYS\n`);
  });

  it('once STATE_ADMIN is cleared the host may no longer administer the context (EACCES), but may still kill it', async () => {
    await h.guest.shell.succeed(`vcontext --create --silent --endsetup --xid 91 -- sh -c 'sleep 1000 >/dev/null 2>&1 &'`);
    expect(await call(`--in ${u64(0n)}${u64(STATE_ADMIN)} set_cflags 91`)).toMatchObject({ ret: 0 });
    expect(await call(`--in ${u64(0n)}${u64(0n)} set_cflags 91`)).toMatchObject({ ret: -1, name: 'EACCES' });
    expect(await call(`--out 8 vx_info 91`)).toMatchObject({ ret: 0 }); // INFO commands still answer
    expect(await call(`--in ${guestWords.s32(0)}${guestWords.s32(9)} ctx_kill 91`)).toMatchObject({ ret: 0 }); // {pid 0, SIGKILL}
    // Its last task gone, the context goes too (host pids do not show guest tasks, so ask the kernel).
    await h.guest.shell.run(`i=0; while vsyscall --out 8 vx_info 91 | grep -q '^ret=0' && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done`);
    expect(await call(`--out 8 vx_info 91`)).toMatchObject({ ret: -1, name: 'ESRCH' });
  });
});
