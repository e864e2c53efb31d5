/**
 * Filesystem isolation on a real on-disk filesystem (issue #5; ABI §5.7; PAPER §04.5): an ext2
 * image made on the host is the guest's /dev/sda. Files of contexts 0 (host), 1 (spectator), 2
 * and 3 are read and written from each of them on a tag mount, after umount and mount, mounted
 * without tag, and after a reboot; chxid retags; a remount cannot add tag; barrier, iunlink and
 * COW stay on the files. Last, on the host, e2fsck finds the image clean and the tags and
 * attribute bits are where the kernel documents them (fs/ext2/inode.c).
 */
import { describe, expect, it } from 'vitest';
import { EXT2_IMMUTABLE_FL, EXT2_VX_FLAGS, fsckImage, readDiskInode } from '../../harness/disk/e2fs.ts';
import { timeScale, useGuest } from '../fixtures.ts';

const MNT = '/mnt/disk';
const CONTEXTS = [0, 1, 2, 3] as const;
type Xid = (typeof CONTEXTS)[number];
const PHASES = ['tagged', 'remounted', 'untagged', 'rebooted'] as const;
type Phase = (typeof PHASES)[number];
const OPS = ['r', 'w'] as const;

/** Runs CMD (single-quote free) as root of context XID: the host, the spectator, or a guest past setup. */
const as = (xid: Xid, cmd: string): string => {
  if (xid === 0) return `sh -c '${cmd}'`;
  if (xid === 1) return `vcontext --migrate --xid 1 -- sh -c '${cmd}'`;
  return `vcontext --create --silent --endsetup --xid ${xid} -- sh -c '${cmd}'`;
};

/** probe r|w FILE...: one line per file, "FILE ok", "FILE EACCES" or "FILE ERR message". */
const PROBE = `#!/bin/sh
op=$1; shift
for f in "$@"; do
  if [ "$op" = r ]; then out=$(cat "$f" 2>&1 >/dev/null); else out=$( { echo more >>"$f"; } 2>&1 ); fi
  if [ $? -eq 0 ]; then echo "$f ok"
  else case $out in *"Permission denied"*) echo "$f EACCES";; *) echo "$f ERR $out";; esac
  fi
done
`;
/** mkfiles FILE...: each holds "data" and is mode 666. */
const MKFILES = `#!/bin/sh
for f in "$@"; do echo data >"$f" && chmod 666 "$f" || exit 1; done
`;

const file = (phase: Phase, creator: Xid, accessor: Xid, op: string): string => `${MNT}/${phase}/c${creator}-a${accessor}-${op}`;

/** PAPER §04.5: host and spectator reach everything; a guest its own and untagged files, unless the mount has no tag. */
const verdict = (phase: Phase, creator: Xid, accessor: Xid): string =>
  phase === 'untagged' || accessor <= 1 || creator === 0 || creator === accessor ? 'ok' : 'EACCES';

describe('filesystem isolation on ext2 (tags and attributes on disk)', () => {
  const h = useGuest({ variant: 'vserver', disk: { sizeMiB: 16, label: 'vslab-fs', files: { 'seed/hello': 'from the host\n' } } });
  const ok = (cmd: string) => h.guest.shell.succeed(cmd);

  const prepare = async (): Promise<void> => {
    await h.guest.shell.upload(Buffer.from(PROBE), '/tmp/probe');
    await h.guest.shell.upload(Buffer.from(MKFILES), '/tmp/mkfiles');
    await ok(`chmod 755 /tmp/probe /tmp/mkfiles && mkdir -p ${MNT}`);
  };

  /** Every accessor reads and writes the files meant for it in this phase; returns "FILE verdict" lines. */
  const matrix = async (phase: Phase): Promise<{ seen: string[]; want: string[] }> => {
    const seen: string[] = [];
    const want: string[] = [];
    for (const accessor of CONTEXTS) {
      for (const op of OPS) {
        const files = CONTEXTS.map((c) => file(phase, c, accessor, op));
        const r = await ok(as(accessor, `/tmp/probe ${op} ${files.join(' ')}`));
        seen.push(...r.stdout.trim().split('\n'));
        want.push(...CONTEXTS.map((c) => `${file(phase, c, accessor, op)} ${verdict(phase, c, accessor)}`));
      }
    }
    return { seen, want };
  };

  const tagsOf = async (paths: string[]): Promise<number[]> => {
    const r = await ok(`lsxid -d ${paths.join(' ')}`);
    return r.stdout
      .trim()
      .split('\n')
      .map((l) => Number(l.trim().split(/\s+/)[0]));
  };

  it('the host-made image is /dev/sda; it mounts as ext2 with tag, and files the host put there are untagged', async () => {
    await prepare();
    await ok(`mount -t ext2 -o tag /dev/sda ${MNT}`);
    expect((await ok(`grep " ${MNT} " /proc/mounts`)).stdout).toMatch(new RegExp(`^/dev/sda ${MNT} ext2 rw,.*\\btag\\b`));
    expect(await tagsOf([`${MNT}/seed/hello`])).toEqual([0]);
    expect((await ok(as(2, `cat ${MNT}/seed/hello`))).stdout).toBe('from the host\n');

    // Every context makes the files of every phase now, so later phases see them across umount and reboot.
    await ok(PHASES.map((p) => `mkdir ${MNT}/${p}`).join(' && ') + ` && chmod 777 ${PHASES.map((p) => `${MNT}/${p}`).join(' ')}`);
    for (const creator of CONTEXTS) {
      const files = PHASES.flatMap((p) => CONTEXTS.flatMap((a) => OPS.map((op) => file(p, creator, a, op))));
      await ok(as(creator, `/tmp/mkfiles ${files.join(' ')}`));
    }
    expect(await tagsOf(CONTEXTS.map((c) => file('tagged', c, 0, 'r')))).toEqual([0, 1, 2, 3]);
  });

  it('tag mount: host and spectator reach every file; guests their own and untagged ones, others are EACCES', async () => {
    const { seen, want } = await matrix('tagged');
    expect(seen).toEqual(want);
    // A guest's write made an untagged file its own; a read did not.
    expect(await tagsOf([file('tagged', 0, 2, 'w'), file('tagged', 0, 2, 'r'), file('tagged', 0, 3, 'w')])).toEqual([2, 0, 3]);
  });

  it('chxid retags; barrier, iunlink and COW are set on ext2 files', async () => {
    await ok(
      `mkdir -p ${MNT}/attr/bar/inner && echo shared >${MNT}/attr/u && ln ${MNT}/attr/u ${MNT}/attr/u2 && chmod 666 ${MNT}/attr/u && ` +
        `echo cow >${MNT}/attr/cow && ln ${MNT}/attr/cow ${MNT}/attr/cow2 && chmod 777 ${MNT}/attr && echo mine >${MNT}/attr/retag && chmod 666 ${MNT}/attr/retag`,
    );
    await ok(`setattr --barrier ${MNT}/attr/bar && setattr --iunlink ${MNT}/attr/u && setattr --iunlink --cow ${MNT}/attr/cow && chxid -c 3 ${MNT}/attr/retag`);
    expect((await ok(`showattr ${MNT}/attr/u ${MNT}/attr/cow`)).stdout).toBe(`-----UIcX  ${MNT}/attr/u\n-----UICX  ${MNT}/attr/cow\n`);
    expect(await tagsOf([`${MNT}/attr/retag`])).toEqual([3]);
    expect((await h.run(as(2, `cat ${MNT}/attr/retag`))).stderr).toMatch(/Permission denied/);
    expect((await ok(as(3, `cat ${MNT}/attr/retag`))).stdout).toBe('mine\n');
    expect((await h.run(as(2, `ls ${MNT}/attr/bar`))).stderr).toMatch(/Permission denied/);
  });

  it('after umount and mount with tag: the same matrix, and tags and attributes are still there', async () => {
    await ok(`umount ${MNT} && mount -t ext2 -o tag /dev/sda ${MNT}`);
    const { seen, want } = await matrix('remounted');
    expect(seen).toEqual(want);
    expect(await tagsOf([`${MNT}/attr/retag`, file('tagged', 2, 0, 'r'), file('tagged', 0, 2, 'w')])).toEqual([3, 2, 2]);
    expect((await ok(`showattr ${MNT}/attr/u ${MNT}/attr/cow`)).stdout).toBe(`-----UIcX  ${MNT}/attr/u\n-----UICX  ${MNT}/attr/cow\n`);
    expect((await ok(`showattr -d ${MNT}/attr/bar`)).stdout).toBe(`----Bui-X  ${MNT}/attr/bar\n`);
    expect((await h.run(as(2, `ls ${MNT}/attr/bar`))).stderr).toMatch(/Permission denied/);
    expect((await ok(as(1, `ls ${MNT}/attr/bar`))).stdout).toBe('inner\n');
    expect((await h.run(as(3, `cat ${MNT}/attr/retag`))).exitCode).toBe(0);
    expect((await h.run(as(2, `cat ${MNT}/attr/retag`))).stderr).toMatch(/Permission denied/);

    // The unified file: unchangeable, but a name of it can go, and (K4, unification) a name can be added.
    for (const cmd of [`echo x >>${MNT}/attr/u2`, `chmod 600 ${MNT}/attr/u2`]) {
      expect((await h.run(as(2, cmd))).exitCode, cmd).not.toBe(0);
    }
    await ok(as(2, `ln ${MNT}/attr/u2 ${MNT}/attr/u3 && rm ${MNT}/attr/u3`));
    await ok(as(2, `rm ${MNT}/attr/u2`));
    expect((await ok(`stat -c %h ${MNT}/attr/u && cat ${MNT}/attr/u`)).stdout).toBe('1\nshared\n');
  });

  it('mounted without tag every context reaches every file and nothing is retagged; a remount cannot add tag', async () => {
    await ok(`umount ${MNT} && mount -t ext2 /dev/sda ${MNT}`);
    expect((await ok(`grep " ${MNT} " /proc/mounts`)).stdout).not.toMatch(/\btag\b/);
    const { seen, want } = await matrix('untagged');
    expect(seen).toEqual(want);
    expect((await ok(as(2, `cat ${MNT}/attr/retag`))).stdout).toBe('mine\n');
    // Without tag the mount reports no tags (lsxid prints util-vserver's !!ERR!!) ...
    const paths = [file('untagged', 3, 2, 'w'), file('untagged', 0, 2, 'w'), `${MNT}/attr/retag`];
    const untagged = await h.run(`lsxid -d ${paths.join(' ')}`);
    expect(
      untagged.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['!!ERR!!', '!!ERR!!', '!!ERR!!']);

    const re = await h.run(`mount -o remount,tag ${MNT}`);
    expect(re.exitCode).not.toBe(0);
    expect(re.stderr).toMatch(/Invalid argument/);
    expect((await h.run(as(2, `cat ${file('untagged', 3, 2, 'r')}`))).exitCode).toBe(0);
    // ... but the tags are still on the files, just not checked: the write of guest 2 retagged nothing.
    await ok(`umount ${MNT} && mount -t ext2 -o tag /dev/sda ${MNT}`);
    expect(await tagsOf(paths)).toEqual([3, 0, 3]);
    await ok(`umount ${MNT}`);
  });

  it(
    'after a reboot the image keeps its tags and attributes: the matrix holds again, and COW breaks a link on disk',
    async () => {
      await h.restart();
      await prepare();
      await ok(`mount -t ext2 -o tag /dev/sda ${MNT}`);
      const { seen, want } = await matrix('rebooted');
      expect(seen).toEqual(want);
      expect(await tagsOf([`${MNT}/attr/retag`, file('tagged', 3, 0, 'r'), file('tagged', 1, 0, 'r')])).toEqual([3, 3, 1]);
      expect((await ok(`showattr ${MNT}/attr/u ${MNT}/attr/cow`)).stdout).toBe(`-----UIcX  ${MNT}/attr/u\n-----UICX  ${MNT}/attr/cow\n`);
      expect((await h.run(as(2, `ls ${MNT}/attr/bar`))).stderr).toMatch(/Permission denied/);

      // Guest 2 writes its name of the unified COW file: it gets a copy tagged 2, the other name keeps the original.
      expect((await ok(as(2, `echo changed >>${MNT}/attr/cow2 && cat ${MNT}/attr/cow2`))).stdout).toBe('cow\nchanged\n');
      expect((await ok(`cat ${MNT}/attr/cow; stat -c %h ${MNT}/attr/cow ${MNT}/attr/cow2`)).stdout).toBe('cow\n1\n1\n');
      expect(await tagsOf([`${MNT}/attr/cow2`])).toEqual([2]);
      expect((await ok(`showattr ${MNT}/attr/cow2`)).stdout).toBe(`-----uicX  ${MNT}/attr/cow2\n`);
      await ok(`umount ${MNT}`);
    },
    400_000 * timeScale,
  );

  it('on the host: e2fsck finds the image clean, and tags and attribute bits are in their documented places', async () => {
    await h.stop();
    const fsck = await fsckImage(h.diskPath);
    expect(fsck.output).toContain('Pass 5');
    expect(fsck.exitCode, fsck.output).toBe(0);

    const disk = async (p: string) => readDiskInode(h.diskPath, p.slice(MNT.length));
    expect((await disk(file('tagged', 2, 0, 'r'))).tag).toBe(2);
    expect((await disk(file('tagged', 1, 0, 'r'))).tag).toBe(1);
    expect((await disk(file('tagged', 0, 2, 'w'))).tag).toBe(2);
    expect((await disk(file('tagged', 0, 2, 'r'))).tag).toBe(0);
    expect((await disk(file('untagged', 0, 2, 'w'))).tag).toBe(0);
    expect((await disk(`${MNT}/attr/retag`)).tag).toBe(3);
    expect((await disk(`${MNT}/attr/cow2`)).tag).toBe(2);
    expect((await disk(`${MNT}/seed/hello`)).tag).toBe(0);

    const vx = EXT2_VX_FLAGS.barrier | EXT2_VX_FLAGS.ixunlink | EXT2_VX_FLAGS.cow;
    expect((await disk(`${MNT}/attr/bar`)).flags & (vx | EXT2_IMMUTABLE_FL)).toBe(EXT2_VX_FLAGS.barrier);
    expect((await disk(`${MNT}/attr/u`)).flags & (vx | EXT2_IMMUTABLE_FL)).toBe(EXT2_VX_FLAGS.ixunlink | EXT2_IMMUTABLE_FL);
    expect((await disk(`${MNT}/attr/cow`)).flags & (vx | EXT2_IMMUTABLE_FL)).toBe(EXT2_VX_FLAGS.ixunlink | EXT2_VX_FLAGS.cow | EXT2_IMMUTABLE_FL);
    expect((await disk(`${MNT}/attr/cow2`)).flags & (vx | EXT2_IMMUTABLE_FL)).toBe(0);
  });
});
