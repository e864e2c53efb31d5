/**
 * Disk limits on a shared ext2 filesystem (PAPER §06.4, ABI §4 DLIMIT, vdlimit of ABI §8): the
 * guest's /dev/sda is mounted with tag, each guest writes into its own directory, and its files
 * (tagged with its xid) are charged to its entry. A write or create past a total fails with
 * EDQUOT where the same operation succeeds for a guest without a limit; the usage vdlimit
 * reports is what the files take (du) and what df in the guest shows; deleting gives it back;
 * the reserve is for guest root; usage is re-seeded with vdlimit --set after a remount.
 * ext2 blocks here are 1 KiB, so a 16 KiB file takes 17 KiB (one indirect block).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';

const MNT = '/mnt/dl';

/** CMD (single-quote free) as root of guest XID, past setup. */
const as = (xid: number, cmd: string): string => `vcontext --create --silent --endsetup --xid ${xid} -- sh -c '${cmd}'`;

describe('disk limits on ext2 (PAPER §06.4)', () => {
  const h = useGuest({ variant: 'vserver', disk: { sizeMiB: 16, label: 'vslab-dl' } });
  const ok = (cmd: string) => h.guest.shell.succeed(cmd);
  /** vdlimit's listing for XID as a map. */
  const usage = async (xid: number): Promise<Record<string, number>> => {
    const out = (await ok(`vdlimit --xid ${xid} ${MNT}`)).stdout.trim().split('\n');
    expect(out[0]).toBe(`${xid} ${MNT}`);
    return Object.fromEntries(out.slice(1).map((l) => [l.split('=')[0] ?? '', Number(l.split('=')[1])]));
  };
  /** KiB the files take, as du counts them. */
  const du = async (path: string): Promise<number> => Number((await ok(`du -k ${path}`)).stdout.trim().split(/\s+/)[0]);

  beforeAll(async () => {
    await ok(`mkdir -p ${MNT} && mount -t ext2 -o tag /dev/sda ${MNT} && mkdir ${MNT}/g42 ${MNT}/g43 && chmod 777 ${MNT}/g42 ${MNT}/g43`);
    await ok(`vdlimit --xid 42 --set space_total=32 --set inodes_total=5 ${MNT}`);
  });

  it('32 KiB / 5 inodes: 16 KiB succeed, 33 KiB fail with EDQUOT; a guest without a limit writes the same 33 KiB', async () => {
    expect(await usage(42)).toEqual({ space_used: 0, space_total: 32, inodes_used: 0, inodes_total: 5, reserved: 0 });
    await ok(as(42, `dd if=/dev/zero of=${MNT}/g42/a bs=1k count=16 2>/dev/null`));
    const a = await du(`${MNT}/g42/a`);
    expect(a).toBeGreaterThanOrEqual(16);
    expect(await usage(42)).toMatchObject({ space_used: a, inodes_used: 1 });

    const over = await h.run(as(42, `dd if=/dev/zero of=${MNT}/g42/b bs=1k count=33`));
    expect(over.exitCode).not.toBe(0);
    expect(over.stderr).toMatch(/Disk quota exceeded/);
    expect((await usage(42)).space_used).toBeLessThanOrEqual(32);

    // The control: the same write from a guest without a disk limit.
    await ok(as(43, `dd if=/dev/zero of=${MNT}/g43/b bs=1k count=33 2>/dev/null`));
    expect(await du(`${MNT}/g43/b`)).toBeGreaterThanOrEqual(33);
  });

  it('deleting gives the space and inodes back; usage follows writes and deletes', async () => {
    await ok(as(42, `rm -f ${MNT}/g42/b`));
    expect(await usage(42)).toMatchObject({ space_used: await du(`${MNT}/g42/a`), inodes_used: 1 });
    await ok(as(42, `rm -f ${MNT}/g42/a`));
    expect(await usage(42)).toMatchObject({ space_used: 0, inodes_used: 0 });
  });

  it('a retag moves the charge: chxid -c 42 of a host file charges guest 42, chxid -c 0 gives it back', async () => {
    await ok(`dd if=/dev/zero of=${MNT}/host-file bs=1k count=6 2>/dev/null`);
    const size = await du(`${MNT}/host-file`);
    await ok(`chxid -c 42 ${MNT}/host-file`);
    expect(await usage(42)).toMatchObject({ space_used: size, inodes_used: 1 });
    await ok(`chxid -c 0 ${MNT}/host-file && rm ${MNT}/host-file`);
    expect(await usage(42)).toMatchObject({ space_used: 0, inodes_used: 0 });
  });

  it('the 6th inode fails with EDQUOT, the 5th succeeds; without a limit a 6th is fine', async () => {
    await ok(as(42, `for i in 1 2 3 4 5; do touch ${MNT}/g42/f$i || exit 1; done`));
    expect((await usage(42)).inodes_used).toBe(5);
    const sixth = await h.run(as(42, `touch ${MNT}/g42/f6`));
    expect(sixth.exitCode).not.toBe(0);
    expect(sixth.stderr).toMatch(/Disk quota exceeded/);
    await ok(as(43, `for i in 1 2 3 4 5 6; do touch ${MNT}/g43/f$i || exit 1; done`));
    await ok(as(42, `rm -f ${MNT}/g42/f*`));
    expect((await usage(42)).inodes_used).toBe(0);
  });

  it('two guests on the same filesystem have independent budgets', async () => {
    await ok(`vdlimit --xid 43 --set space_used=0 --set space_total=128 ${MNT} && rm -f ${MNT}/g43/*`);
    await ok(as(43, `dd if=/dev/zero of=${MNT}/g43/c bs=1k count=64 2>/dev/null`));
    expect((await usage(43)).space_used).toBe(await du(`${MNT}/g43/c`));
    expect((await usage(42)).space_used).toBe(0);
    await ok(as(42, `dd if=/dev/zero of=${MNT}/g42/a bs=1k count=8 2>/dev/null`));
    expect((await usage(43)).space_used).toBe(await du(`${MNT}/g43/c`));
    await ok(`vdlimit --xid 43 --remove ${MNT}`);
  });

  it('df in the guest shows its totals; its used column changes by what the usage does', async () => {
    const df = async (xid: number): Promise<number[]> => {
      const line = (await ok(as(xid, `df -k ${MNT}`))).stdout.trim().split('\n').pop() ?? '';
      return line.split(/\s+/).slice(1, 4).map(Number); // size, used, available
    };
    const before = await df(42);
    const u0 = (await usage(42)).space_used ?? 0;
    expect(before).toEqual([32, u0, 32 - u0]);
    await ok(as(42, `dd if=/dev/zero of=${MNT}/g42/d bs=1k count=4 2>/dev/null`));
    const u1 = (await usage(42)).space_used ?? 0;
    expect(u1 - u0).toBe(await du(`${MNT}/g42/d`));
    expect(await df(42)).toEqual([32, u1, 32 - u1]);
    // The host (and a guest without an entry) sees the whole filesystem.
    const hostSize = Number((await ok(`df -k ${MNT}`)).stdout.trim().split('\n').pop()?.split(/\s+/)[1]);
    expect(hostSize).toBeGreaterThan(15000);
    expect((await df(44))[0]).toBe(hostSize);
    await ok(as(42, `rm -f ${MNT}/g42/*`));
  });

  it('reserved: the last 50% of the space is for guest root; df trims what it shows as available', async () => {
    await ok(`vdlimit --xid 42 --set reserved=50 ${MNT}`);
    const avail = (await ok(as(42, `df -k ${MNT}`))).stdout.trim().split('\n').pop()?.split(/\s+/)[3];
    expect(Number(avail)).toBe(16);
    const user = await h.run(as(42, `su -s /bin/sh -c "dd if=/dev/zero of=${MNT}/g42/u bs=1k count=20" user`));
    expect(user.exitCode).not.toBe(0);
    expect(user.stderr).toMatch(/Disk quota exceeded/);
    await ok(as(42, `rm -f ${MNT}/g42/u && dd if=/dev/zero of=${MNT}/g42/r bs=1k count=20 2>/dev/null && rm -f ${MNT}/g42/r`));
    await ok(`vdlimit --xid 42 --set reserved=0 ${MNT}`);
  });

  it('usage is not kept across umount: vdlimit --set space_used=… re-seeds it, and the limit counts from there', async () => {
    await ok(as(42, `dd if=/dev/zero of=${MNT}/g42/keep bs=1k count=8 2>/dev/null`));
    const kept = await du(`${MNT}/g42/keep`);
    await ok(`umount ${MNT} && mount -t ext2 -o tag /dev/sda ${MNT}`);
    expect((await h.run(`vdlimit --xid 42 ${MNT}`)).exitCode).toBe(255);
    // What util-vserver does at guest start: vdu counts, vdlimit seeds.
    await ok(`vdlimit --xid 42 --set space_total=32 --set inodes_total=5 --set space_used=${kept} --set inodes_used=1 ${MNT}`);
    expect(await usage(42)).toMatchObject({ space_used: kept, inodes_used: 1 });
    const over = await h.run(as(42, `dd if=/dev/zero of=${MNT}/g42/more bs=1k count=${32 - kept + 1}`));
    expect(over.stderr).toMatch(/Disk quota exceeded/);
    await ok(as(42, `rm -f ${MNT}/g42/more ${MNT}/g42/keep`));
    expect(await usage(42)).toMatchObject({ space_used: 0, inodes_used: 0 });
    // Frees never take a count below 0.
    await ok(`vdlimit --xid 42 --set space_used=0 --set inodes_used=0 ${MNT}`);
    await ok(as(42, `dd if=/dev/zero of=${MNT}/g42/x bs=1k count=2 2>/dev/null`));
    await ok(`vdlimit --xid 42 --set space_used=0 --set inodes_used=0 ${MNT}`);
    await ok(as(42, `rm -f ${MNT}/g42/x`));
    expect(await usage(42)).toMatchObject({ space_used: 0, inodes_used: 0 });
    await ok(`umount ${MNT}`);
  });
});
