/**
 * ABI conformance of the disk-limit commands (ABI.md §4.1 get_dlimit, §4.3 set/add/rem_dlimit,
 * §4.10 ctx_dlimit_v0 and ctx_dlimit_base_v0, §4.11 CDLIM_* and DLIMF_*) on the booted i386
 * kernel, through vsyscall: the 28- and 8-byte i386 layouts with the path pointer first, the
 * special values, the units, which errno each kind of bad input gets, and who may call them.
 * The entries are made on tmpfs mounts (any filesystem takes one); charging is in
 * tests/features/dlimit.test.ts on ext2. vdlimit's output (ABI §8) closes the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { CAP_SYS_ADMIN, u32, vc } from './helpers.ts';

const CMD = { add: 'add_dlimit', rem: 'rem_dlimit', set: 'set_dlimit', get: 'get_dlimit', get_vci: 'get_vci' };
const KEEP = 0xfffffffe;
const INF = 0xffffffff;
const DLIMF_SHIFT = 0x10;
const CAP_SYS_RESOURCE = 24;
const MNT = '/tmp/dl-a';
const OTHER = '/tmp/dl-b';

interface Dlimit {
  spaceUsed: number;
  spaceTotal: number;
  inodesUsed: number;
  inodesTotal: number;
  reserved: number;
  flags: number;
}

/** ctx_dlimit_v0 on i386: u32 name (filled by vsyscall --ptr 0=PATH), six u32 fields: 28 bytes. */
const dlimitHex = (d: Partial<Dlimit> = {}): string =>
  [0, d.spaceUsed ?? KEEP, d.spaceTotal ?? KEEP, d.inodesUsed ?? KEEP, d.inodesTotal ?? KEEP, d.reserved ?? KEEP, d.flags ?? 0].map(u32).join('');
/** ctx_dlimit_base_v0 on i386: u32 name, u32 flags: 8 bytes. */
const baseHex = (flags = 0): string => u32(0) + u32(flags);
const parse = (out: Buffer): Dlimit => ({
  spaceUsed: out.readUInt32LE(4),
  spaceTotal: out.readUInt32LE(8),
  inodesUsed: out.readUInt32LE(12),
  inodesTotal: out.readUInt32LE(16),
  reserved: out.readUInt32LE(20),
  flags: out.readUInt32LE(24),
});

describe('disk limit commands: layouts, values and errnos', () => {
  const h = useGuest({ variant: 'vserver' });
  const call = (args: string) => vc(h.guest.shell, args);
  const add = (xid: number | string, path = MNT, flags = 0, pre = '') => call(`${pre}--in ${baseHex(flags)} --ptr 0=${path} ${CMD.add} ${xid}`);
  const rem = (xid: number | string, path = MNT, pre = '') => call(`${pre}--in ${baseHex()} --ptr 0=${path} ${CMD.rem} ${xid}`);
  const set = (xid: number | string, d: Partial<Dlimit>, path = MNT, pre = '') => call(`${pre}--in ${dlimitHex(d)} --ptr 0=${path} ${CMD.set} ${xid}`);
  const get = async (xid: number | string, path = MNT, flags = 0, pre = '') => {
    const r = await call(`${pre}--in ${dlimitHex({ flags })} --ptr 0=${path} --out 32 ${CMD.get} ${xid}`);
    return { ...r, dl: r.ret === 0 && r.out !== undefined ? parse(r.out) : undefined, tail: r.out?.subarray(28) };
  };

  beforeAll(async () => {
    await h.guest.shell.succeed(`mkdir -p ${MNT} ${OTHER} && mount -t tmpfs -o size=4m tmpfs ${MNT} && mount -t tmpfs tmpfs ${OTHER} && mkdir ${MNT}/sub`);
  });
  afterAll(async () => {
    await h.guest.shell.run(`umount ${MNT}; umount ${OTHER}; rmdir ${MNT} ${OTHER}`);
  });

  it('no entry: get, set and rem are ESRCH; add makes one (nothing used, no limits), a second add is EEXIST', async () => {
    expect(await get(500)).toMatchObject({ ret: -1, name: 'ESRCH' });
    expect(await set(500, { spaceTotal: 10 })).toMatchObject({ ret: -1, name: 'ESRCH' });
    expect(await rem(500)).toMatchObject({ ret: -1, name: 'ESRCH' });
    expect(await add(500)).toMatchObject({ ret: 0 });
    expect(await add(500)).toMatchObject({ ret: -1, name: 'EEXIST' });
    const r = await get(500);
    expect(r).toMatchObject({ ret: 0 });
    expect(r.dl).toEqual({ spaceUsed: 0, spaceTotal: INF, inodesUsed: 0, inodesTotal: INF, reserved: 0, flags: 0 });
  });

  it('get writes exactly the 28 bytes of the i386 struct', async () => {
    const r = await call(`--in ${dlimitHex({ flags: 0 })}${'ab'.repeat(4)} --ptr 0=${MNT} --out 32 ${CMD.get} 500`);
    expect(r.ret).toBe(0);
    expect(r.out?.subarray(28).toString('hex')).toBe('abababab');
  });

  it('set: KEEP keeps a field, INFINITY is no limit, UNSET is 0; every field reads back', async () => {
    expect(await set(500, { spaceUsed: 12, spaceTotal: 1000, inodesUsed: 3, inodesTotal: 50, reserved: 5 })).toMatchObject({ ret: 0 });
    expect((await get(500)).dl).toEqual({ spaceUsed: 12, spaceTotal: 1000, inodesUsed: 3, inodesTotal: 50, reserved: 5, flags: 0 });
    expect(await set(500, { inodesTotal: INF })).toMatchObject({ ret: 0 });
    expect((await get(500)).dl).toEqual({ spaceUsed: 12, spaceTotal: 1000, inodesUsed: 3, inodesTotal: INF, reserved: 5, flags: 0 });
    expect(await set(500, { spaceUsed: 0, reserved: 0, spaceTotal: 0 })).toMatchObject({ ret: 0 });
    expect((await get(500)).dl).toEqual({ spaceUsed: 0, spaceTotal: 0, inodesUsed: 3, inodesTotal: INF, reserved: 0, flags: 0 });
  });

  it('DLIMF_SHIFT: the 2-bit exponents at DLIMS_USED (0) and DLIMS_TOTAL (2) give the unit as 1024^exp bytes, on set and on get', async () => {
    // space_total = 3 MiB (exponent 2 at bit 2), space_used = 2048 bytes (exponent 0).
    const flags = DLIMF_SHIFT | (0 << 0) | (2 << 2);
    expect(await set(500, { spaceUsed: 2048, spaceTotal: 3, flags })).toMatchObject({ ret: 0 });
    expect((await get(500)).dl).toMatchObject({ spaceUsed: 2, spaceTotal: 3072 }); // KiB without the flag
    expect((await get(500, MNT, flags)).dl).toMatchObject({ spaceUsed: 2048, spaceTotal: 3, flags });
    // Bytes of a total past 4 GiB do not fit: the largest ordinary value, never KEEP or INFINITY.
    expect(await set(500, { spaceTotal: 5, flags: DLIMF_SHIFT | (3 << 2) })).toMatchObject({ ret: 0 });
    expect((await get(500, MNT, DLIMF_SHIFT)).dl).toMatchObject({ spaceTotal: 0xfffffffd });
    expect((await get(500)).dl).toMatchObject({ spaceTotal: 5 * 1024 * 1024 });
  });

  it('EINVAL: an id above 65535, unknown flag bits, reserved above 100, INFINITY for a used count; nothing of a refused set applies', async () => {
    expect(await add(65536)).toMatchObject({ ret: -1, name: 'EINVAL' });
    expect(await get(70000)).toMatchObject({ ret: -1, name: 'EINVAL' });
    expect(await add(501, MNT, 0x20)).toMatchObject({ ret: -1, name: 'EINVAL' });
    expect(await get(500, MNT, 0x100)).toMatchObject({ ret: -1, name: 'EINVAL' });
    expect(await set(500, { flags: 0x40 })).toMatchObject({ ret: -1, name: 'EINVAL' });
    expect(await set(500, { spaceTotal: 77, reserved: 101 })).toMatchObject({ ret: -1, name: 'EINVAL' });
    expect(await set(500, { spaceTotal: 77, spaceUsed: INF })).toMatchObject({ ret: -1, name: 'EINVAL' });
    expect(await set(500, { spaceTotal: 77, inodesUsed: INF })).toMatchObject({ ret: -1, name: 'EINVAL' });
    expect((await get(500)).dl?.spaceTotal).not.toBe(77);
    expect(await set(500, { reserved: 100 })).toMatchObject({ ret: 0 });
  });

  it('the path: ENOENT for a missing one, EFAULT for a bad pointer or struct; any path on the filesystem names its entry', async () => {
    expect(await add(502, '/tmp/dl-none/x')).toMatchObject({ ret: -1, name: 'ENOENT' });
    expect(await get(500, `${MNT}/sub`)).toMatchObject({ ret: 0 });
    for (const c of [CMD.add, CMD.rem, CMD.set, CMD.get]) {
      expect(await call(`--badptr ${c} 500`), c).toMatchObject({ ret: -1, name: 'EFAULT' });
      expect(await call(`--in ${c === CMD.add || c === CMD.rem ? baseHex() : dlimitHex()} ${c} 500`), `${c} NULL name`).toMatchObject({
        ret: -1,
        name: 'EFAULT',
      });
    }
  });

  it("entries are per filesystem and per tag: another mount or another xid has none; a negative id is the caller's own xid (0 on the host)", async () => {
    expect(await get(500, OTHER)).toMatchObject({ ret: -1, name: 'ESRCH' });
    expect(await get(499)).toMatchObject({ ret: -1, name: 'ESRCH' });
    expect(await add(0, OTHER)).toMatchObject({ ret: 0 });
    expect(await get(-2, OTHER)).toMatchObject({ ret: 0 });
    expect(await rem(0xfffffffe, OTHER)).toMatchObject({ ret: 0 });
    expect(await get(0, OTHER)).toMatchObject({ ret: -1, name: 'ESRCH' });
  });

  it('levels and flags (ABI §4): add/rem/set need CAP_SYS_RESOURCE, get only CAP_SYS_ADMIN; a guest past setup sees ENOSYS', async () => {
    for (const r of [
      await add(503, MNT, 0, `--drop-cap ${CAP_SYS_RESOURCE} `),
      await set(500, { reserved: 1 }, MNT, `--drop-cap ${CAP_SYS_RESOURCE} `),
      await rem(500, MNT, `--drop-cap ${CAP_SYS_RESOURCE} `),
      await get(500, MNT, 0, `--drop-cap ${CAP_SYS_ADMIN} `),
    ]) {
      expect(r).toMatchObject({ ret: -1, name: 'EPERM' });
    }
    expect(await get(500, MNT, 0, `--drop-cap ${CAP_SYS_RESOURCE} `)).toMatchObject({ ret: 0 });
    const inGuest = await h.guest.shell.succeed(
      `vcontext --create --silent --endsetup --xid 504 -- vsyscall --in ${dlimitHex()} --ptr 0=${MNT} --out 28 ${CMD.get} 500`,
    );
    expect(inGuest.stdout).toMatch(/^ret=-1 errno=38 ENOSYS$/m);
  });

  it('rem drops the entry; an umount drops every entry of that filesystem', async () => {
    expect(await rem(500)).toMatchObject({ ret: 0 });
    expect(await get(500)).toMatchObject({ ret: -1, name: 'ESRCH' });
    expect(await add(505)).toMatchObject({ ret: 0 });
    await h.guest.shell.succeed(`umount ${MNT} && mount -t tmpfs tmpfs ${MNT}`);
    expect(await get(505)).toMatchObject({ ret: -1, name: 'ESRCH' });
  });

  it('vdlimit (ABI §8): --set adds and sets, the listing is "XID MOUNTPOINT" then key=value lines with -1 for infinity, --remove removes', async () => {
    const sh = h.guest.shell;
    await sh.succeed(`vdlimit --xid 506 --set space_total=2048 --set inodes_total=-1 --set reserved=5 ${MNT}`);
    expect((await sh.succeed(`vdlimit --xid 506 ${MNT}`)).stdout).toBe(
      `506 ${MNT}\nspace_used=0\nspace_total=2048\ninodes_used=0\ninodes_total=-1\nreserved=5\n`,
    );
    // A second --set on an existing entry changes only the keys it names.
    await sh.succeed(`vdlimit --xid 506 --set space_used=100 ${MNT}`);
    expect((await sh.succeed(`vdlimit --xid 506 ${MNT}`)).stdout).toMatch(/^space_used=100\nspace_total=2048\n/m);
    await sh.succeed(`vdlimit --xid 506 --remove ${MNT}`);
    const gone = await sh.run(`vdlimit --xid 506 ${MNT}`);
    expect(gone.exitCode).toBe(255);
    expect(gone.stderr).toBe('vdlimit: get_dlimit: No such process\n');
    const bad = await sh.run(`vdlimit --xid 506 --set spaceused=1 ${MNT}`);
    expect([bad.exitCode, bad.stderr]).toEqual([255, "vdlimit: unknown limit in 'spaceused=1'\n"]);
    expect((await sh.run(`vdlimit --xid 506 --set reserved=1 --remove ${MNT}`)).exitCode).toBe(255);
    expect((await sh.run(`vdlimit ${MNT}`)).exitCode).toBe(255);
  });
});
