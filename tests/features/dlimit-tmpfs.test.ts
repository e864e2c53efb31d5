/**
 * Disk limits on a tagged tmpfs (PAPER §06.4, issue #16): a tmpfs mounted with tag charges the
 * pages and inodes of each file to its tag's entry, where shmem counts them against the mount's
 * size= and nr_inodes=. A write or create past a total fails with EDQUOT where the same
 * operation succeeds for a guest without a limit; deleting gives the charge back, never below
 * 0; df in the guest shows its totals, also on a tmpfs that has no size of its own. tmpfs
 * charges whole pages (4 KiB here), so the sizes below are multiples of 4 KiB.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';

const MNT = '/mnt/dlt';
/** A tmpfs without a size or an inode count of its own (size=0, nr_inodes=0: unlimited). */
const NOSIZE = '/mnt/dlt0';

/** CMD (single-quote free) as root of guest XID, past setup. */
const as = (xid: number, cmd: string): string => `vcontext --create --silent --endsetup --xid ${xid} -- sh -c '${cmd}'`;

describe('disk limits on a tagged tmpfs (PAPER §06.4)', () => {
  const h = useGuest({ variant: 'vserver' });
  const ok = (cmd: string) => h.guest.shell.succeed(cmd);
  const usage = async (xid: number, mnt = MNT): Promise<Record<string, number>> => {
    const out = (await ok(`vdlimit --xid ${xid} ${mnt}`)).stdout.trim().split('\n');
    expect(out[0]).toBe(`${xid} ${mnt}`);
    return Object.fromEntries(out.slice(1).map((l) => [l.split('=')[0] ?? '', Number(l.split('=')[1])]));
  };
  /** size, used, available of df -k, as XID sees them (the host with xid 0). */
  const df = async (xid: number, mnt: string): Promise<number[]> => {
    const cmd = `df -k ${mnt}`;
    const line = (await ok(xid ? as(xid, cmd) : cmd)).stdout.trim().split('\n').pop() ?? '';
    return line.split(/\s+/).slice(1, 4).map(Number);
  };

  beforeAll(async () => {
    await ok(`mkdir -p ${MNT} ${NOSIZE} && mount -t tmpfs -o tag tmpfs ${MNT} && mount -t tmpfs -o tag,size=0,nr_inodes=0 tmpfs ${NOSIZE}`);
    await ok(`mkdir ${MNT}/g52 ${MNT}/g53 && chmod 777 ${MNT}/g52 ${MNT}/g53`);
    await ok(`vdlimit --xid 52 --set space_total=32 --set inodes_total=5 ${MNT}`);
  });

  it('32 KiB: 16 KiB succeed and are charged, a further 17 KiB fail with EDQUOT; a guest without a limit writes them', async () => {
    expect(await usage(52)).toEqual({ space_used: 0, space_total: 32, inodes_used: 0, inodes_total: 5, reserved: 0 });
    await ok(as(52, `dd if=/dev/zero of=${MNT}/g52/a bs=1k count=16 2>/dev/null`));
    expect(await usage(52)).toMatchObject({ space_used: 16, inodes_used: 1 });

    const over = await h.run(as(52, `dd if=/dev/zero of=${MNT}/g52/b bs=1k count=17`));
    expect(over.exitCode).not.toBe(0);
    expect(over.stderr).toMatch(/Disk quota exceeded/);
    expect(await usage(52)).toMatchObject({ space_used: 32, inodes_used: 2 });
    expect((await ok(`wc -c < ${MNT}/g52/b`)).stdout.trim()).toBe('16384');

    // The control: the same write from a guest without a disk limit.
    await ok(as(53, `dd if=/dev/zero of=${MNT}/g53/b bs=1k count=17 2>/dev/null`));
    expect((await ok(`wc -c < ${MNT}/g53/b`)).stdout.trim()).toBe('17408');
  });

  it('deleting and truncating give the pages back; the inode comes back with the last link', async () => {
    await ok(as(52, `: > ${MNT}/g52/b`));
    expect(await usage(52)).toMatchObject({ space_used: 16, inodes_used: 2 });
    await ok(as(52, `ln ${MNT}/g52/a ${MNT}/g52/a2 && rm -f ${MNT}/g52/a ${MNT}/g52/b`));
    expect(await usage(52)).toMatchObject({ space_used: 16, inodes_used: 1 });
    await ok(as(52, `rm -f ${MNT}/g52/a2`));
    expect(await usage(52)).toMatchObject({ space_used: 0, inodes_used: 0 });
  });

  it('files, directories and symlinks are inodes: the 6th fails with EDQUOT; without a limit a 6th is fine', async () => {
    await ok(as(52, `cd ${MNT}/g52 && touch f1 f2 f3 && mkdir d && ln -s f1 l`));
    expect((await usage(52)).inodes_used).toBe(5);
    for (const cmd of ['touch f6', 'mkdir d6', 'ln -s f1 l6', 'mknod p6 p']) {
      const sixth = await h.run(as(52, `cd ${MNT}/g52 && ${cmd}`));
      expect(sixth.exitCode, cmd).not.toBe(0);
      expect(sixth.stderr, cmd).toMatch(/Disk quota exceeded/);
    }
    expect((await usage(52)).inodes_used).toBe(5);
    await ok(as(53, `cd ${MNT}/g53 && touch f1 f2 f3 && mkdir d && ln -s f1 l && touch f6`));
    await ok(as(52, `rm -rf ${MNT}/g52/*`));
    expect((await usage(52)).inodes_used).toBe(0);
  });

  it("the charge goes to the file's tag: a host write into a guest's file charges the guest, past its total EDQUOT", async () => {
    await ok(as(52, `dd if=/dev/zero of=${MNT}/g52/h bs=4k count=1 2>/dev/null`));
    await ok(`dd if=/dev/zero bs=4k count=3 2>/dev/null >> ${MNT}/g52/h`);
    expect(await usage(52)).toMatchObject({ space_used: 16, inodes_used: 1 });
    const over = await h.run(`dd if=/dev/zero bs=4k count=5 >> ${MNT}/g52/h`);
    expect(over.stderr).toMatch(/Disk quota exceeded/);
    // The host's own files are tag 0 and not charged to the guest.
    await ok(`dd if=/dev/zero of=${MNT}/hostfile bs=4k count=8 2>/dev/null && rm ${MNT}/hostfile`);
    expect(await usage(52)).toMatchObject({ space_used: 32, inodes_used: 1 });
    await ok(`rm ${MNT}/g52/h`);
    expect(await usage(52)).toMatchObject({ space_used: 0, inodes_used: 0 });
  });

  it('frees never take a count below 0 (usage seeded too low)', async () => {
    await ok(as(52, `dd if=/dev/zero of=${MNT}/g52/x bs=4k count=2 2>/dev/null && touch ${MNT}/g52/y`));
    await ok(`vdlimit --xid 52 --set space_used=4 --set inodes_used=0 ${MNT}`);
    await ok(as(52, `rm -f ${MNT}/g52/x ${MNT}/g52/y`));
    expect(await usage(52)).toMatchObject({ space_used: 0, inodes_used: 0 });
  });

  it('df in the guest shows its totals; the host and a guest without an entry see the tmpfs', async () => {
    await ok(as(52, `dd if=/dev/zero of=${MNT}/g52/d bs=4k count=3 2>/dev/null`));
    expect(await df(52, MNT)).toEqual([32, 12, 20]);
    const host = await df(0, MNT);
    expect(host[0]).toBeGreaterThan(1000);
    expect((await df(54, MNT))[0]).toBe(host[0]);
    await ok(`rm ${MNT}/g52/d`);
  });

  it("a total that is no whole number of pages: the guest's df shows it to the KiB (statfs counts KiB, not 4 KiB pages)", async () => {
    await ok(`mkdir ${MNT}/g56 && chmod 777 ${MNT}/g56 && vdlimit --xid 56 --set space_total=30 ${MNT}`);
    expect(await df(56, MNT)).toEqual([30, 0, 30]);
    await ok(as(56, `dd if=/dev/zero of=${MNT}/g56/a bs=1k count=4 2>/dev/null`));
    expect(await df(56, MNT)).toEqual([30, 4, 26]);
    await ok(`rm -rf ${MNT}/g56 && vdlimit --xid 56 --remove ${MNT}`);
  });

  it("a tmpfs with no size of its own (size=0): the guest's df shows its budget as free, and the limit holds", async () => {
    await ok(`mkdir ${NOSIZE}/g52 && chmod 777 ${NOSIZE}/g52 && vdlimit --xid 52 --set space_total=64 --set inodes_total=10 ${NOSIZE}`);
    await ok(as(52, `dd if=/dev/zero of=${NOSIZE}/g52/a bs=4k count=4 2>/dev/null`));
    expect(await df(52, NOSIZE)).toEqual([64, 16, 48]);
    const inodes = (await ok(as(52, `df -i ${NOSIZE}`))).stdout.trim().split('\n').pop()?.split(/\s+/).slice(1, 4).map(Number);
    expect(inodes).toEqual([10, 1, 9]);
    const over = await h.run(as(52, `dd if=/dev/zero of=${NOSIZE}/g52/b bs=4k count=13`));
    expect(over.stderr).toMatch(/Disk quota exceeded/);
    expect(await usage(52, NOSIZE)).toMatchObject({ space_used: 64, inodes_used: 2 });
  });
});
