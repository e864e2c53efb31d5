/**
 * vroot devices and quota for guests (PAPER §06.5, §06.6; issue #16): /dev/vroot0.. do no I/O,
 * vrsetup binds one to a real block device (VROOT_SET_DEV 0x5600, VROOT_CLR_DEV 0x5601), and
 * quotactl(2) on a bound vroot acts on the filesystem of the real device, so a guest runs quota
 * tools without a node of the disk. A guest needs CAP_SYS_ADMIN in its bound plus the ccap
 * QUOTA_CTL for what the quota code lets only CAP_SYS_ADMIN do; reading the format, the state and
 * its own usage needs neither; quotactl_fd(2) is gated the same way. Each refusal has its control
 * (the same command from a guest with QUOTA_CTL, or from the host). Guests are made as
 * util-vserver makes them (vattribute --set --secure, then --endsetup). Last, vdu counts what a
 * guest's files take and vdlimit re-seeds a disk limit from its count after a remount.
 * ext2 blocks are 1 KiB here; the vquota tool prints "ID space=KIB soft= hard= inodes= soft= hard=".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';

const MNT = '/mnt/q';

describe('vroot devices and quota for guests (PAPER §06.5, §06.6)', () => {
  const h = useGuest({ variant: 'vserver', disk: { sizeMiB: 16, label: 'vslab-q' } });
  const ok = (cmd: string) => h.guest.shell.succeed(cmd);
  const ADMIN = '--bcap CAP_SYS_ADMIN';
  const QUOTA = '--bcap CAP_SYS_ADMIN --ccap quota_ctl';

  beforeAll(async () => {
    await ok(`mkdir -p ${MNT} && mount -t ext2 -o tag,usrquota /dev/sda ${MNT} && mkdir ${MNT}/u && chmod 1777 ${MNT}/u`);
    await ok(`vquota init ${MNT}/aquota.user user && vquota on /dev/sda user ${MNT}/aquota.user`);
  });

  it('vroot devices exist, have no sectors and give no data', async () => {
    expect((await ok('cat /sys/block/vroot0/size /sys/block/vroot7/size')).stdout).toBe('0\n0\n');
    expect((await ok('ls -l /dev/vroot0')).stdout).toMatch(/^b/);
    const dd = await h.run('dd if=/dev/vroot0 of=/dev/null bs=512 count=1');
    expect(dd.stderr).toMatch(/^0\+0 records in/m);
  });

  it('vrsetup binds a vroot to a block device; errnos EBUSY, EINVAL, EBADF, ENXIO', async () => {
    await ok('vrsetup /dev/vroot0 /dev/sda');
    const fail = async (cmd: string) => {
      const r = await h.run(cmd);
      return [r.exitCode, r.stderr];
    };
    expect(await fail('vrsetup /dev/vroot0 /dev/sda')).toEqual([255, 'vrsetup: VROOT_SET_DEV: Device or resource busy\n']);
    expect(await fail('vrsetup /dev/vroot1 /dev/null')).toEqual([255, 'vrsetup: VROOT_SET_DEV: Invalid argument\n']);
    expect(await fail('vrsetup /dev/vroot1 /dev/vroot0')).toEqual([255, 'vrsetup: VROOT_SET_DEV: Invalid argument\n']);
    expect(await fail('vrsetup --fd 99 /dev/vroot1')).toEqual([255, 'vrsetup: VROOT_SET_DEV: Bad file descriptor\n']);
    // Garbage for the descriptor: negative, huge, a regular file, a directory, a character device.
    expect(await fail('vrsetup --fd -1 /dev/vroot1')).toEqual([255, 'vrsetup: VROOT_SET_DEV: Bad file descriptor\n']);
    expect(await fail('vrsetup --fd 4294967298 /dev/vroot1')).toEqual([255, 'vrsetup: VROOT_SET_DEV: Bad file descriptor\n']);
    for (const redirect of ['3</etc/passwd', '3</', '3</dev/zero']) {
      expect(await fail(`vrsetup --fd 3 /dev/vroot1 ${redirect}`), redirect).toEqual([255, 'vrsetup: VROOT_SET_DEV: Invalid argument\n']);
    }
    expect(await fail('vrsetup -d /dev/vroot1')).toEqual([255, 'vrsetup: VROOT_CLR_DEV: No such device or address\n']);
    // quotactl on an unbound vroot.
    expect(await fail('vquota get /dev/vroot1 user 0')).toEqual([255, 'vquota: Q_GETQUOTA: No such device or address\n']);
    // Binding is the host's: a guest with CAP_SYS_ADMIN and QUOTA_CTL, the vroot mapped for it to
    // open and the real device open on its fd 3, is refused; the host then does the same.
    await ok('vdevmap --xid 0 --set --open --device /dev/vroot2');
    try {
      const inGuest = await h.run(
        `vcontext --create --silent --xid 1800 -- vattribute --set --secure ${QUOTA} -- ` +
          'vcontext --silent --endsetup --migrate-self -- vrsetup --fd 3 /dev/vroot2 3</dev/sda',
      );
      expect(inGuest.stderr).toBe('vrsetup: VROOT_SET_DEV: Operation not permitted\n');
      await ok('vrsetup --fd 3 /dev/vroot2 3</dev/sda && vrsetup -d /dev/vroot2');
    } finally {
      await ok('vdevmap --xid 0 --unset --device /dev/vroot2');
    }
    expect(await fail('vrsetup -d /dev/vroot2')).toEqual([255, 'vrsetup: VROOT_CLR_DEV: No such device or address\n']);
  });

  it('quotactl on a bound vroot acts on the real device: set through /dev/vroot0, read through /dev/sda', async () => {
    await ok('vquota set /dev/vroot0 user 1001 100 200 10 20');
    expect((await ok('vquota get /dev/sda user 1001')).stdout).toBe('1001 space=0 soft=100 hard=200 inodes=0 soft=10 hard=20\n');
    expect((await ok('vquota get /dev/vroot0 user 1001')).stdout).toBe('1001 space=0 soft=100 hard=200 inodes=0 soft=10 hard=20\n');
  });

  // Guests with quota records of their own: A and B (QUOTA_CTL), C for the refusals.
  const [A, B, C] = [1811, 1812, 1813];
  /** The record of a guest's id on the filesystem: (tag << 16) | id (kernel/vserver/quota.c). */
  const rec = (xid: number, id: number) => xid * 65536 + id;
  const line = (id: number, space: number, soft: number, hard: number) => `${id} space=${space} soft=${soft} hard=${hard} inodes=`;
  /** CMD in a fresh context XID past setup (the same xid each time: the files keep its tag). */
  const inGuest = (xid: number, attrs: string, cmd: string) =>
    h.run(
      `vcontext --create --silent --xid ${xid} -- vattribute --set --secure ${attrs} -- ` + `vcontext --silent --endsetup --migrate-self -- sh -c '${cmd}'`,
    );
  /** KiB a file holds on the disk (what quota charges for it). */
  const kib = async (path: string) => Number((await ok(`stat -c %b ${path}`)).stdout.trim()) / 2;
  const asUser = (cmd: string) => `su -s /bin/sh -c "${cmd}" user`;
  /** One line of lsxid: the tag right-aligned in 20 columns, two spaces, the path. */
  const xidLine = (xid: number, path: string) => `${String(xid).padStart(20)}  ${path}\n`;

  it("each guest's users have quota of their own (PAPER §06.5): A's limit for uid 1000 holds A's uid 1000 only, not B's nor the host's", async () => {
    // Each guest its own vroot device, both bound to the one disk: A /dev/vroot0, B /dev/vroot1.
    await ok('vrsetup /dev/vroot1 /dev/sda');
    const set = await inGuest(A, QUOTA, 'vquota set /dev/vroot0 user 1000 20 24 0 0 && vquota get /dev/vroot0 user 1000');
    expect(set).toMatchObject({ exitCode: 0, stdout: '1000 space=0 soft=20 hard=24 inodes=0 soft=0 hard=0\n' });
    // B's uid 1000 and the host's have no limit; the host sees A's record under its raw id.
    expect((await inGuest(B, QUOTA, 'vquota get /dev/vroot1 user 1000')).stdout).toBe('1000 space=0 soft=0 hard=0 inodes=0 soft=0 hard=0\n');
    expect((await ok('vquota get /dev/sda user 1000')).stdout).toMatch(/^1000 space=\d+ soft=0 hard=0 /);
    expect((await ok(`vquota get /dev/sda user ${rec(A, 1000)}`)).stdout).toBe(`${rec(A, 1000)} space=0 soft=20 hard=24 inodes=0 soft=0 hard=0\n`);

    // Each writes 30 KiB as uid 1000: A's is cut at its 24 KiB, B's and the host's pass.
    const over = await inGuest(A, '', asUser(`dd if=/dev/zero of=${MNT}/u/a bs=1k count=30`));
    expect(over.exitCode).not.toBe(0);
    expect(over.stderr).toMatch(/Disk quota exceeded/);
    expect(await inGuest(B, '', asUser(`dd if=/dev/zero of=${MNT}/u/b bs=1k count=30 2>/dev/null`))).toMatchObject({ exitCode: 0 });
    await ok(asUser(`dd if=/dev/zero of=${MNT}/u/h bs=1k count=30 2>/dev/null`));
    expect((await ok(`wc -c < ${MNT}/u/b && wc -c < ${MNT}/u/h && lsxid ${MNT}/u/a ${MNT}/u/b ${MNT}/u/h`)).stdout).toBe(
      `30720\n30720\n${xidLine(A, `${MNT}/u/a`)}${xidLine(B, `${MNT}/u/b`)}${xidLine(0, `${MNT}/u/h`)}`,
    );
    // Each record holds exactly its own file; the host's uid 1000 none of the guests'.
    const [a, b, hostBefore] = [await kib(`${MNT}/u/a`), await kib(`${MNT}/u/b`), await kib(`${MNT}/u/h`)];
    expect(a).toBe(24);
    expect((await inGuest(A, QUOTA, 'vquota get /dev/vroot0 user 1000')).stdout).toBe(`1000 space=${a} soft=20 hard=24 inodes=1 soft=0 hard=0\n`);
    expect((await ok(`vquota get /dev/sda user ${rec(B, 1000)}`)).stdout).toBe(`${rec(B, 1000)} space=${b} soft=0 hard=0 inodes=1 soft=0 hard=0\n`);
    const host = (await ok('vquota get /dev/sda user 1000')).stdout;
    await ok(`rm ${MNT}/u/a ${MNT}/u/b ${MNT}/u/h`);
    // Deleting gives it back, to each record.
    expect((await ok(`vquota get /dev/sda user ${rec(A, 1000)} && vquota get /dev/sda user ${rec(B, 1000)}`)).stdout).toBe(
      `${rec(A, 1000)} space=0 soft=20 hard=24 inodes=0 soft=0 hard=0\n${rec(B, 1000)} space=0 soft=0 hard=0 inodes=0 soft=0 hard=0\n`,
    );
    const hostSpace = Number(/space=(\d+)/.exec(host)?.[1]);
    expect((await ok('vquota get /dev/sda user 1000')).stdout).toMatch(new RegExp(`^1000 space=${hostSpace - hostBefore} `));
  });

  it('a guest walks only its own records (Q_GETNEXTQUOTA), by its own ids; an id past 65534 is EINVAL', async () => {
    const listA = (await inGuest(A, QUOTA, 'vquota list /dev/vroot0 user')).stdout.trim().split('\n');
    expect(listA).toContain('1000 space=0 soft=20 hard=24 inodes=0 soft=0 hard=0');
    for (const l of listA) expect(Number(l.split(' ')[0]), l).toBeLessThanOrEqual(65534);
    // B's walk has B's record (a limit for its uid 1001), not A's. (Empty records, such as B's
    // uid 1000 after its file went, are not kept in the quota file: quota's own rule.)
    const listB = (await inGuest(B, QUOTA, 'vquota set /dev/vroot1 user 1001 3 4 0 0 && vquota list /dev/vroot1 user')).stdout;
    expect(listB).toContain('1001 space=0 soft=3 hard=4 inodes=0 soft=0 hard=0\n');
    expect(listB).not.toMatch(/soft=20 hard=24/);
    // The host walks every record by its raw id.
    const listHost = (await ok('vquota list /dev/sda user')).stdout;
    expect(listHost).toContain(`${line(rec(A, 1000), 0, 20, 24)}0 soft=0 hard=0\n`);
    expect(listHost).toContain(`${line(rec(B, 1001), 0, 3, 4)}0 soft=0 hard=0\n`);
    expect((await inGuest(A, QUOTA, 'vquota get /dev/vroot0 user 65535')).stderr).toBe('vquota: Q_GETQUOTA: Invalid argument\n');
    expect((await ok('vquota get /dev/sda user 65535')).stdout).toMatch(/^65535 space=/);
  });

  it("switching quota of the shared filesystem stays the host's: a guest with QUOTA_CTL may not turn it off (EPERM); the host may", async () => {
    const attack = await inGuest(A, QUOTA, `vquota off /dev/vroot0 user; vquota --fd off ${MNT} user; vquota on /dev/vroot0 user ${MNT}/aquota.user`);
    expect(attack.stderr).toBe(
      'vquota: Q_QUOTAOFF: Operation not permitted\nvquota: Q_QUOTAOFF: Operation not permitted\nvquota: Q_QUOTAON: Operation not permitted\n',
    );
    expect((await ok(`vquota get /dev/sda user ${rec(A, 1000)}`)).stdout).toBe(`${rec(A, 1000)} space=0 soft=20 hard=24 inodes=0 soft=0 hard=0\n`);
    // The control: the host turns it off (the records stay in the file) and on again.
    await ok(`vquota off /dev/sda user && vquota on /dev/sda user ${MNT}/aquota.user`);
    expect((await ok(`vquota get /dev/sda user ${rec(A, 1000)}`)).stdout).toBe(`${rec(A, 1000)} space=0 soft=20 hard=24 inodes=0 soft=0 hard=0\n`);
  });

  it("a host file a guest takes over moves its usage to the guest's record; past the guest's hard limit the takeover fails with EDQUOT and moves nothing", async () => {
    await ok(asUser(`dd if=/dev/zero of=${MNT}/u/t bs=1k count=8 2>/dev/null && dd if=/dev/zero of=${MNT}/u/big bs=1k count=30 2>/dev/null`));
    const t = await kib(`${MNT}/u/t`);
    const hostSpace = async () => Number(/space=(\d+)/.exec((await ok('vquota get /dev/sda user 1000')).stdout)?.[1]);
    const before = await hostSpace();
    // Changing an untagged file's attributes from A retags it to A (PAPER §04.5).
    expect(await inGuest(A, '', `touch ${MNT}/u/t`)).toMatchObject({ exitCode: 0 });
    expect((await ok(`lsxid ${MNT}/u/t`)).stdout).toBe(xidLine(A, `${MNT}/u/t`));
    expect((await ok(`vquota get /dev/sda user ${rec(A, 1000)}`)).stdout).toBe(`${rec(A, 1000)} space=${t} soft=20 hard=24 inodes=1 soft=0 hard=0\n`);
    expect(await hostSpace()).toBe(before - t);
    // 30 KiB more would pass A's 24 KiB: refused, the file stays the host's.
    const refused = await inGuest(A, '', `touch ${MNT}/u/big`);
    expect(refused.stderr).toMatch(/Disk quota exceeded/);
    expect((await ok(`lsxid ${MNT}/u/big`)).stdout).toBe(xidLine(0, `${MNT}/u/big`));
    expect(await hostSpace()).toBe(before - t);
    await ok(`rm ${MNT}/u/t ${MNT}/u/big`);
    expect((await ok(`vquota get /dev/sda user ${rec(A, 1000)}`)).stdout).toBe(`${rec(A, 1000)} space=0 soft=20 hard=24 inodes=0 soft=0 hard=0\n`);
  });

  it("without QUOTA_CTL a guest with CAP_SYS_ADMIN may not set quota or read another id's; the state and its own usage it may read", async () => {
    const attack = await inGuest(C, ADMIN, 'vquota set /dev/vroot0 user 1000 5 6 0 0; vquota get /dev/vroot0 user 1000');
    expect(attack.stderr).toBe('vquota: Q_SETQUOTA: Operation not permitted\nvquota: Q_GETQUOTA: Operation not permitted\n');
    expect((await ok(`vquota get /dev/sda user ${rec(C, 1000)}`)).stdout).toBe(`${rec(C, 1000)} space=0 soft=0 hard=0 inodes=0 soft=0 hard=0\n`);
    const own = await inGuest(C, ADMIN, 'vquota info /dev/vroot0 user && vquota get /dev/vroot0 user 0');
    expect(own).toMatchObject({ exitCode: 0 });
    expect(own.stdout).toMatch(/^grace=604800,604800 flags=\d+\n0 space=\d+ soft=0 hard=0 inodes=\d+ soft=0 hard=0\n$/);
    // The quota code's own rule stays: QUOTA_CTL without CAP_SYS_ADMIN is refused too.
    const noAdmin = await inGuest(C, '--ccap quota_ctl', 'vquota set /dev/vroot0 user 1000 5 6 0 0');
    expect(noAdmin.stderr).toBe('vquota: Q_SETQUOTA: Operation not permitted\n');
    // The control: the same set with QUOTA_CTL.
    expect(await inGuest(C, QUOTA, 'vquota set /dev/vroot0 user 1000 5 6 0 0')).toMatchObject({ exitCode: 0 });
    expect((await ok(`vquota get /dev/sda user ${rec(C, 1000)}`)).stdout).toBe(`${rec(C, 1000)} space=0 soft=5 hard=6 inodes=0 soft=0 hard=0\n`);
  });

  it('quotactl_fd(2) is gated the same way: refused without QUOTA_CTL, allowed with it', async () => {
    const attack = await inGuest(C, ADMIN, `vquota --fd set ${MNT} user 1000 7 8 0 0`);
    expect(attack.stderr).toBe('vquota: Q_SETQUOTA: Operation not permitted\n');
    expect(await inGuest(C, QUOTA, `vquota --fd set ${MNT} user 1000 7 8 0 0`)).toMatchObject({ exitCode: 0 });
    expect((await ok(`vquota get /dev/vroot0 user ${rec(C, 1000)}`)).stdout).toBe(`${rec(C, 1000)} space=0 soft=7 hard=8 inodes=0 soft=0 hard=0\n`);
  });

  it("vdu counts what a guest's files take (hard links once), as the disk limit charged it; vdlimit --set from its count holds after a remount", async () => {
    const xid = 1890;
    const inGuest = (cmd: string) => `vcontext --create --silent --endsetup --xid ${xid} -- sh -c '${cmd}'`;
    await ok(`mkdir ${MNT}/g && chmod 777 ${MNT}/g && vdlimit --xid ${xid} --set space_total=1000 ${MNT}`);
    // 10 + 3 KiB of data, a directory (one block), an empty file, a hard link: 14 KiB, 4 inodes.
    await ok(
      inGuest(
        `cd ${MNT}/g && dd if=/dev/zero of=a bs=1k count=10 2>/dev/null && dd if=/dev/zero of=b bs=1k count=3 2>/dev/null && mkdir d && touch d/e && ln a a2`,
      ),
    );
    expect((await ok(`vdu --xid ${xid} --space --inodes ${MNT}`)).stdout).toBe(`${MNT} 14 4\n`);
    expect((await ok(`vdu --xid ${xid} --space --inodes --script ${MNT}/g`)).stdout).toBe('14 4\n');
    // The same as the kernel charged, and nothing of another tag.
    expect((await ok(`vdlimit --xid ${xid} ${MNT}`)).stdout).toMatch(/^space_used=14\n(.*\n)*inodes_used=4\n/m);
    expect((await ok(`vdu --xid ${xid + 1} ${MNT}`)).stdout).toBe(`${MNT} 0 0\n`);

    await ok(`umount ${MNT} && mount -t ext2 -o tag /dev/sda ${MNT}`);
    const [space, inodes] = (await ok(`vdu --xid ${xid} --space --inodes --script ${MNT}`)).stdout.trim().split(' ');
    expect([space, inodes]).toEqual(['14', '4']);
    // The control first: a limit of 20 KiB without the seed lets 7 KiB more through.
    await ok(`vdlimit --xid ${xid} --set space_total=20 ${MNT}`);
    await ok(inGuest(`dd if=/dev/zero of=${MNT}/g/c bs=1k count=7 2>/dev/null && rm ${MNT}/g/c`));
    // Seeded from vdu's count, the same 7 KiB pass the total.
    await ok(`vdlimit --xid ${xid} --set space_used=${space} --set inodes_used=${inodes} ${MNT}`);
    const over = await h.run(inGuest(`dd if=/dev/zero of=${MNT}/g/c bs=1k count=7`));
    expect(over.stderr).toMatch(/Disk quota exceeded/);
  });
});
