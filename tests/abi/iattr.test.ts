/**
 * ABI conformance of the inode attribute commands (ABI.md §4.1 get_iattr/fget_iattr, §4.3
 * set_iattr/fset_iattr, §5.7) on the booted kernel, through vsyscall: the ctx_fiattr_v0 layout
 * {u32 tag, u32 flags, u32 mask}, which bits apply to which inode, and the errno of each kind of
 * bad input. The by-path commands are exercised through setattr/showattr in the examples (E15,
 * E45); here their pointer handling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { CAP_SYS_ADMIN, u32, vc } from './helpers.ts';

const IATTR = { TAG: 0x01000000, ADMIN: 1, WATCH: 2, HIDE: 4, BARRIER: 0x10000, IXUNLINK: 0x20000, IMMUTABLE: 0x40000, COW: 0x80000 };
const CAP_LINUX_IMMUTABLE = 9;
const DIR = '/tmp/iattr-abi';

/** {u32 tag; u32 flags; u32 mask} as vsyscall --in takes it. */
const fiattr = (tag: number, flags: number, mask: number): string => u32(tag) + u32(flags) + u32(mask);

describe('inode attribute commands: layout, applicable bits and errnos', () => {
  const h = useGuest({ variant: 'vserver' });
  const call = (args: string) => vc(h.guest.shell, args);
  /** fget_iattr of PATH (opened as fd 3): [tag, flags, mask]. */
  const get = async (path: string): Promise<[number, number, number]> => {
    const r = await call(`--out 12 fget_iattr 3 3<${path}`);
    expect(r).toMatchObject({ ret: 0 });
    const out = r.out ?? Buffer.alloc(12);
    return [out.readUInt32LE(0), out.readUInt32LE(4), out.readUInt32LE(8)];
  };

  beforeAll(async () => {
    await h.guest.shell.succeed(`rm -rf ${DIR}; mkdir -p ${DIR}/d && echo x >${DIR}/f`);
  });
  afterAll(async () => {
    await h.guest.shell.run(`setattr --~iunlink ${DIR}/f; rm -rf ${DIR}`);
  });

  it('get_vci reports PROC_SECURE (bit 4), COWBL (bit 8) but not FULLCOWBL (bit 9), and TAGGED = INTERN (4)', async () => {
    const r = await call(`get_vci 0`);
    expect(r.ret & 0x10).toBe(0x10);
    expect(r.ret & 0x300).toBe(0x100);
    expect((r.ret >>> 24) & 7).toBe(4);
  });

  it('fget_iattr fills {u32 tag, u32 flags, u32 mask}: tag 0, TAG always in flags, the bits that apply in mask', async () => {
    expect(await get(`${DIR}/f`)).toEqual([0, IATTR.TAG, IATTR.IMMUTABLE | IATTR.IXUNLINK | IATTR.COW]);
    expect(await get(`${DIR}/d`)).toEqual([0, IATTR.TAG, IATTR.IMMUTABLE | IATTR.IXUNLINK | IATTR.BARRIER]);
    // A /proc entry: only the visibility bits apply; new entries carry admin and watch.
    expect(await get('/proc/uptime')).toEqual([0, IATTR.TAG | IATTR.ADMIN | IATTR.WATCH, IATTR.ADMIN | IATTR.WATCH | IATTR.HIDE]);
    // A per-process /proc file has no proc_dir_entry: nothing applies.
    expect(await get('/proc/self/status')).toEqual([0, IATTR.TAG, 0]);
  });

  it('fset_iattr changes the masked bits, answers with the new state, and chattr sees IMMUTABLE', async () => {
    const r = await call(`--in ${fiattr(0, IATTR.IMMUTABLE | IATTR.IXUNLINK, IATTR.IMMUTABLE | IATTR.IXUNLINK)} --out 12 fset_iattr 3 3<${DIR}/f`);
    expect(r).toMatchObject({ ret: 0 });
    expect(r.out?.readUInt32LE(4)).toBe(IATTR.TAG | IATTR.IMMUTABLE | IATTR.IXUNLINK);
    expect((await h.guest.shell.succeed(`lsattr ${DIR}/f`)).stdout).toMatch(/^----i-+ /);
    expect((await h.guest.shell.run(`echo y >>${DIR}/f`)).exitCode).not.toBe(0);
    expect(await call(`--in ${fiattr(0, 0, IATTR.IMMUTABLE | IATTR.IXUNLINK)} fset_iattr 3 3<${DIR}/f`)).toMatchObject({ ret: 0 });
    expect(await get(`${DIR}/f`)).toEqual([0, IATTR.TAG, IATTR.IMMUTABLE | IATTR.IXUNLINK | IATTR.COW]);
  });

  it('an attribute that does not apply, or an unknown bit, is EINVAL', async () => {
    const bad: [string, number][] = [
      [`${DIR}/f`, IATTR.BARRIER], // barrier on a regular file
      [`${DIR}/d`, IATTR.COW], // COW on a directory
      [`${DIR}/f`, IATTR.HIDE], // procfs bits outside procfs
      ['/proc/uptime', IATTR.IMMUTABLE], // no file attributes on procfs
      [`${DIR}/f`, IATTR.TAG], // not a tagged filesystem
      [`${DIR}/f`, 0x100], // no such attribute
    ];
    for (const [path, bit] of bad) {
      expect(await call(`--in ${fiattr(0, bit, bit)} fset_iattr 3 3<${path}`), `${path} 0x${bit.toString(16)}`).toMatchObject({ ret: -1, name: 'EINVAL' });
    }
  });

  it('a bad fd is EBADF; a bad data pointer is EFAULT', async () => {
    expect(await call(`--out 12 fget_iattr 99`)).toMatchObject({ ret: -1, name: 'EBADF' });
    expect(await call(`--in ${fiattr(0, 0, 0)} fset_iattr 99`)).toMatchObject({ ret: -1, name: 'EBADF' });
    expect(await call(`--out 12 fget_iattr -1`)).toMatchObject({ ret: -1, name: 'EBADF' });
    expect(await call(`--badptr fget_iattr 3 3<${DIR}/f`)).toMatchObject({ ret: -1, name: 'EFAULT' });
    expect(await call(`--badptr fset_iattr 3 3<${DIR}/f`)).toMatchObject({ ret: -1, name: 'EFAULT' });
    expect(await call(`--badptr get_iattr 0`)).toMatchObject({ ret: -1, name: 'EFAULT' });
    expect(await call(`--badptr set_iattr 0`)).toMatchObject({ ret: -1, name: 'EFAULT' });
  });

  it('get_iattr/set_iattr with a bad name pointer are EFAULT, with a NULL one EFAULT too', async () => {
    // ctx_iattr_v1 on i386: {u32 name, u32 tag, u32 flags, u32 mask}.
    const withName = (name: number): string => u32(name) + '00'.repeat(12);
    for (const name of [0, 1, 0xfffff000]) {
      expect(await call(`--in ${withName(name)} get_iattr 0`)).toMatchObject({ ret: -1, name: 'EFAULT' });
      expect(await call(`--in ${withName(name)} set_iattr 0`)).toMatchObject({ ret: -1, name: 'EFAULT' });
    }
  });

  it('set needs CAP_LINUX_IMMUTABLE (EPERM); get and set need CAP_SYS_ADMIN (level 2 and 7: EPERM)', async () => {
    expect(await call(`--drop-cap ${CAP_LINUX_IMMUTABLE} --in ${fiattr(0, IATTR.IXUNLINK, IATTR.IXUNLINK)} fset_iattr 3 3<${DIR}/f`)).toMatchObject({
      ret: -1,
      name: 'EPERM',
    });
    expect(await call(`--drop-cap ${CAP_SYS_ADMIN} --out 12 fget_iattr 3 3<${DIR}/f`)).toMatchObject({ ret: -1, name: 'EPERM' });
    expect(await call(`--drop-cap ${CAP_LINUX_IMMUTABLE} --out 12 fget_iattr 3 3<${DIR}/f`)).toMatchObject({ ret: 0 });
    expect((await get(`${DIR}/f`))[1]).toBe(IATTR.TAG);
  });

  it('setattr and showattr: letters a w h m b u i c x, upper case set, lower case clear, - not applicable (x: no tagged filesystem)', async () => {
    await h.guest.shell.succeed(`setattr --barrier ${DIR}/d && setattr --iunlink-but-not-immutable ${DIR}/f`);
    const r = await h.guest.shell.succeed(`showattr -d ${DIR}/d ${DIR}/f /proc/uptime`);
    expect(r.stdout).toBe(`----Bui--  ${DIR}/d\n-----Uic-  ${DIR}/f\nAWh------  /proc/uptime\n`);
    await h.guest.shell.succeed(`setattr --~barrier ${DIR}/d && setattr --~iunlink ${DIR}/f`);
    expect((await h.guest.shell.succeed(`showattr -d ${DIR}/d ${DIR}/f`)).stdout).toBe(`----bui--  ${DIR}/d\n-----uic-  ${DIR}/f\n`);
  });

  it('FIOC_GETXFLG/SETXFLG: a long of IATTR bits; SET changes the four file bits, ignores the rest, refuses what does not apply', async () => {
    expect((await h.guest.shell.succeed(`xflg ${DIR}/f`)).stdout).toBe('0x01000000\n');
    expect((await h.guest.shell.succeed(`xflg ${DIR}/f 0x00060000`)).stdout).toBe('0x01060000\n');
    expect((await h.guest.shell.succeed(`lsattr ${DIR}/f`)).stdout).toMatch(/^----i-+ /);
    // The value GETXFLG read can be written back; TAG and the procfs bits are ignored.
    expect((await h.guest.shell.succeed(`xflg ${DIR}/f 0x01000007`)).stdout).toBe('0x01000000\n');
    const cow = await h.guest.shell.run(`xflg ${DIR}/d 0x00080000`);
    expect(cow.exitCode).toBe(1);
    expect(cow.stderr).toMatch(/FIOC_SETXFLG: Invalid argument/);
    const perm = await h.guest.shell.run(`reducecap --cap '!LINUX_IMMUTABLE' -- xflg ${DIR}/f 0x00020000`);
    expect(perm.exitCode).toBe(1);
    expect(perm.stderr).toMatch(/Operation not permitted/);
    expect((await h.guest.shell.succeed('xflg /proc/uptime')).stdout).toBe('0x01000003\n');
  });

  it('bad setattr input: unknown flag and no file are usage errors (255); a missing file fails (1)', async () => {
    expect((await h.guest.shell.run(`setattr --frobnicate ${DIR}/f`)).exitCode).toBe(255);
    expect((await h.guest.shell.run('setattr --barrier')).exitCode).toBe(255);
    const r = await h.guest.shell.run(`setattr --barrier ${DIR}/nonexistent`);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/No such file/);
  });
});

describe('task_tag and tag_migrate (ABI §4.1, §4.2): the file tag beside the xid', () => {
  const h = useGuest({ variant: 'vserver' });
  const TASK_TAG = 'task_tag';
  const TAG_MIGRATE = 'tag_migrate';
  const MNT = '/tmp/tagmig';
  /** Every "ret=…" line vsyscall printed, in order. */
  const rets = async (cmd: string): Promise<string[]> => (await h.guest.shell.succeed(cmd)).stdout.match(/^ret=\S+ errno=\d+ \w+$/gm) ?? [];

  it('task_tag is the xid of a task that never migrated its tag: the host 0, a guest (in setup) its xid', async () => {
    expect(await rets(`vsyscall ${TASK_TAG} 0`)).toEqual(['ret=0 errno=0 OK']);
    expect(await rets(`vcontext --create --silent --xid 2311 -- vsyscall ${TASK_TAG} 0`)).toEqual(['ret=2311 errno=0 OK']);
    expect(await rets(`vsyscall ${TASK_TAG} -5`)).toEqual(['ret=-1 errno=3 ESRCH']);
  });

  it("tag_migrate sets the caller's tag to id & 0xFFFF; exec and children keep it; another task reads it by pid", async () => {
    expect(await rets(`vsyscall ${TAG_MIGRATE} 4242 -- vsyscall ${TASK_TAG} 0`)).toEqual(['ret=0 errno=0 OK', 'ret=4242 errno=0 OK']);
    expect(await rets(`vsyscall ${TAG_MIGRATE} 0x12345 -- sh -c "vsyscall ${TASK_TAG} 0"`)).toEqual(['ret=0 errno=0 OK', 'ret=9029 errno=0 OK']);
    // The background task reports once its tag is set; then the shell reads it by pid (and its own).
    const bg =
      `rm -f /tmp/tagmig-ready; vsyscall ${TAG_MIGRATE} 77 -- sh -c "touch /tmp/tagmig-ready; exec sleep 30" & ` +
      `while [ ! -e /tmp/tagmig-ready ]; do sleep 0.1; done; vsyscall ${TASK_TAG} $!; vsyscall ${TASK_TAG} $$; kill $!`;
    expect(await rets(bg)).toEqual(['ret=0 errno=0 OK', 'ret=77 errno=0 OK', 'ret=0 errno=0 OK']);
  });

  it('moving into a context makes the xid the tag again; a guest may not migrate its tag (EPERM in setup, no interface after)', async () => {
    expect(await rets(`vsyscall ${TAG_MIGRATE} 77 -- vcontext --create --silent --xid 2312 -- vsyscall ${TASK_TAG} 0`)).toEqual([
      'ret=0 errno=0 OK',
      'ret=2312 errno=0 OK',
    ]);
    expect(await rets(`vcontext --create --silent --xid 2312 -- vsyscall ${TAG_MIGRATE} 5 -- vsyscall ${TASK_TAG} 0`)).toEqual([
      'ret=-1 errno=1 EPERM',
      'ret=2312 errno=0 OK',
    ]);
    expect(await rets(`vcontext --create --silent --endsetup --xid 2312 -- vsyscall ${TAG_MIGRATE} 5`)).toEqual(['ret=-1 errno=38 ENOSYS']);
  });

  it("on a tag mount new files get the creator's tag: the host makes files for a guest, which owns them", async () => {
    await h.guest.shell.succeed(`mkdir -p ${MNT} && mount -t tmpfs -o tag tmpfs ${MNT} && chmod 777 ${MNT}`);
    await h.guest.shell.succeed(`vsyscall ${TAG_MIGRATE} 2313 -- sh -c "echo for-2313 >${MNT}/f && chmod 666 ${MNT}/f && mkdir ${MNT}/d"`);
    expect((await h.guest.shell.succeed(`lsxid -d ${MNT}/f ${MNT}/d`)).stdout).toBe(`${'2313'.padStart(20)}  ${MNT}/f\n${'2313'.padStart(20)}  ${MNT}/d\n`);
    expect((await h.guest.shell.succeed(`vcontext --create --silent --endsetup --xid 2313 -- sh -c "echo more >>${MNT}/f && cat ${MNT}/f"`)).stdout).toBe(
      'for-2313\nmore\n',
    );
    const other = await h.guest.shell.run(`vcontext --create --silent --endsetup --xid 2314 -- cat ${MNT}/f`);
    expect(other.exitCode).not.toBe(0);
    expect(other.stderr).toMatch(/Permission denied/);
    await h.guest.shell.succeed(`umount ${MNT} && rmdir ${MNT}`);
  });
});
