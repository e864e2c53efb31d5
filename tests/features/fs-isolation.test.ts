/**
 * Filesystem isolation on the booted kernel (PAPER §04.2, §04.5, §06.0; ABI §5.7): the
 * cross-context access matrix on a tag-mounted tmpfs, retagging, the mount options, the chroot
 * barrier for each kind of context, the guest device allowlist, unified files (immutable +
 * iunlink) and copy-on-write link breaking.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';

const MNT = '/tmp/fsiso';
const A = 2301;
const B = 2302;
const ACTORS = { host: 0, spectator: 1, guestA: A, guestB: B } as const;
type Actor = keyof typeof ACTORS;
const TAGS = { untagged: 0, tagA: A, tagB: B } as const;
type Tag = keyof typeof TAGS;

/** Runs CMD (single-quote free) as the actor: the host itself, the spectator, or root of a guest past setup. */
const as = (actor: Actor, cmd: string): string => {
  if (actor === 'host') return `sh -c '${cmd}'`;
  if (actor === 'spectator') return `vcontext --migrate --xid 1 -- sh -c '${cmd}'`;
  return `vcontext --create --silent --endsetup --xid ${ACTORS[actor]} -- sh -c '${cmd}'`;
};

/** Who may read and write a file with that tag (PAPER §04.5): guests only their own and untagged ones. */
const allowed = (actor: Actor, tag: Tag): boolean => {
  if (actor === 'host' || actor === 'spectator') return true;
  return TAGS[tag] === 0 || TAGS[tag] === ACTORS[actor];
};

describe('filesystem isolation', () => {
  const h = useGuest({ variant: 'vserver' });

  beforeAll(async () => {
    await h.guest.shell.succeed(`mkdir -p ${MNT} && mount -t tmpfs -o tag tmpfs ${MNT}`);
  });

  it('access matrix: host and spectator reach every file; a guest its own and untagged ones, others are EACCES', async () => {
    // One fresh file per (actor, tag, op): a guest's write retags an untagged file.
    const setup: string[] = [];
    for (const actor of Object.keys(ACTORS) as Actor[]) {
      for (const tag of Object.keys(TAGS) as Tag[]) {
        for (const op of ['r', 'w']) {
          const f = `${MNT}/${actor}-${tag}-${op}`;
          setup.push(`echo data >${f} && chmod 666 ${f}${TAGS[tag] === 0 ? '' : ` && chxid -c ${TAGS[tag]} ${f}`}`);
        }
      }
    }
    await h.guest.shell.succeed(setup.join(' && '));

    const seen: string[] = [];
    const want: string[] = [];
    for (const actor of Object.keys(ACTORS) as Actor[]) {
      for (const tag of Object.keys(TAGS) as Tag[]) {
        const read = await h.run(as(actor, `cat ${MNT}/${actor}-${tag}-r`));
        const write = await h.run(as(actor, `echo more >>${MNT}/${actor}-${tag}-w`));
        const verdict = (r: { exitCode: number; stderr: string }): string =>
          r.exitCode === 0 ? 'ok' : /Permission denied/.test(r.stderr) ? 'EACCES' : `exit ${r.exitCode}: ${r.stderr.trim()}`;
        seen.push(`${actor} ${tag}: read ${verdict(read)}, write ${verdict(write)}`);
        const w = allowed(actor, tag) ? 'ok' : 'EACCES';
        want.push(`${actor} ${tag}: read ${w}, write ${w}`);
      }
    }
    expect(seen).toEqual(want);
  });

  it('a guest that writes an untagged file owns it afterwards; a reader does not retag', async () => {
    const r = await h.guest.shell.succeed(`lsxid ${MNT}/guestA-untagged-w ${MNT}/guestA-untagged-r ${MNT}/host-untagged-w ${MNT}/guestA-tagB-w`);
    const tagOf = (name: string): number => Number(new RegExp(`^\\s*(\\d+)  ${MNT}/${name}$`, 'm').exec(r.stdout)?.[1] ?? NaN);
    expect(tagOf('guestA-untagged-w')).toBe(A);
    expect(tagOf('guestA-untagged-r')).toBe(0);
    expect(tagOf('host-untagged-w')).toBe(0);
    expect(tagOf('guestA-tagB-w')).toBe(B); // the refused write changed nothing
  });

  it("a guest cannot enter another guest's directory; it creates files with its own tag", async () => {
    await h.guest.shell.succeed(`${as('guestA', `mkdir ${MNT}/dirA && chmod 777 ${MNT}/dirA && echo a >${MNT}/dirA/f`)}`);
    const ls = await h.run(as('guestB', `ls ${MNT}/dirA`));
    expect(ls.exitCode).not.toBe(0);
    expect(ls.stderr).toMatch(/Permission denied/);
    const tags = await h.guest.shell.succeed(`lsxid -d ${MNT}/dirA ${MNT}/dirA/f`);
    expect(tags.stdout).toBe(`${String(A).padStart(20)}  ${MNT}/dirA\n${String(A).padStart(20)}  ${MNT}/dirA/f\n`);
  });

  it('notagcheck keeps the tags but lifts the check; tagid=N tags every new file N; tag cannot be added by remount', async () => {
    await h.guest.shell.succeed(
      `mkdir -p /tmp/fsiso-nc && mount -t tmpfs -o tag,notagcheck tmpfs /tmp/fsiso-nc && grep " /tmp/fsiso-nc " /proc/mounts | grep -q notagcheck`,
    );
    await h.guest.shell.succeed(as('guestA', 'echo a >/tmp/fsiso-nc/f; chmod 666 /tmp/fsiso-nc/f'));
    expect((await h.run(as('guestB', 'cat /tmp/fsiso-nc/f'))).stdout).toBe('a\n');
    expect((await h.guest.shell.succeed('lsxid /tmp/fsiso-nc/f')).stdout.trim()).toBe(`${A}  /tmp/fsiso-nc/f`);

    await h.guest.shell.succeed('mkdir -p /tmp/fsiso-id && mount -t tmpfs -o tagid=4242 tmpfs /tmp/fsiso-id');
    // Files made by the host and by guest 4242 get 4242; guest A may not even keep the one it makes.
    await h.guest.shell.succeed('vcontext --create --silent --endsetup --xid 4242 -- touch /tmp/fsiso-id/g');
    expect((await h.run(as('guestA', 'touch /tmp/fsiso-id/a'))).stderr).toMatch(/Permission denied/);
    expect((await h.guest.shell.succeed('touch /tmp/fsiso-id/h && lsxid /tmp/fsiso-id/a /tmp/fsiso-id/g /tmp/fsiso-id/h')).stdout).toBe(
      `${'4242'.padStart(20)}  /tmp/fsiso-id/a\n${'4242'.padStart(20)}  /tmp/fsiso-id/g\n${'4242'.padStart(20)}  /tmp/fsiso-id/h\n`,
    );

    await h.guest.shell.succeed('mkdir -p /tmp/fsiso-plain && mount -t tmpfs tmpfs /tmp/fsiso-plain');
    const re = await h.run('mount -o remount,tag /tmp/fsiso-plain');
    expect(re.exitCode).not.toBe(0);
    expect(re.stderr).toMatch(/Invalid argument/);
    await h.guest.shell.run('umount /tmp/fsiso-nc /tmp/fsiso-id /tmp/fsiso-plain; rmdir /tmp/fsiso-nc /tmp/fsiso-id /tmp/fsiso-plain');
  });

  it('bad tag options are EINVAL, and chxid on an untagged filesystem fails', async () => {
    await h.guest.shell.succeed('mkdir -p /tmp/fsiso-bad');
    for (const opt of ['tagid=65536', 'tagid=abc', 'tagid=', 'tagid=-1']) {
      const r = await h.run(`mount -t tmpfs -o ${opt} tmpfs /tmp/fsiso-bad`);
      expect(r.exitCode, opt).not.toBe(0);
      expect(r.stderr, opt).toMatch(/Invalid argument/);
    }
    await h.guest.shell.succeed('rmdir /tmp/fsiso-bad && touch /tmp/fsiso-untagged');
    const r = await h.run('chxid -c 5 /tmp/fsiso-untagged');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/Invalid argument/);
    expect((await h.run('chxid -c 70000 /tmp/fsiso-untagged')).exitCode).toBe(255);
  });

  it('the barrier stops guests only: host and spectator pass it', async () => {
    await h.guest.shell.succeed('mkdir -p /tmp/fsiso-bar/inner && setattr --barrier /tmp/fsiso-bar');
    expect((await h.run(as('host', 'ls /tmp/fsiso-bar'))).stdout).toBe('inner\n');
    expect((await h.run(as('spectator', 'ls /tmp/fsiso-bar'))).stdout).toBe('inner\n');
    for (const cmd of ['ls /tmp/fsiso-bar', 'cd /tmp/fsiso-bar', 'ls /tmp/fsiso-bar/inner', 'chroot /tmp/fsiso-bar/inner /bin/true']) {
      const r = await h.run(as('guestA', cmd));
      expect(r.exitCode, cmd).not.toBe(0);
      expect(r.stderr, cmd).toMatch(/Permission denied/);
    }
    await h.guest.shell.succeed('setattr --~barrier /tmp/fsiso-bar && rm -rf /tmp/fsiso-bar');
  });

  it('a guest opens only the devices of the minimal /dev; any other node, wherever it is and whoever made it, is EPERM', async () => {
    const nodes: [string, string, boolean][] = [
      ['null', 'c 1 3', true],
      ['zero', 'c 1 5', true],
      ['urandom', 'c 1 9', true],
      ['tty', 'c 5 0', true],
      ['mem', 'c 1 1', false],
      ['kmsg', 'c 1 11', false],
      ['ttyS0', 'c 4 64', false],
      ['console', 'c 5 1', false],
      ['sda', 'b 8 0', false],
    ];
    await h.guest.shell.succeed(`mkdir -p /tmp/fsiso-dev && ${nodes.map(([n, spec]) => `mknod /tmp/fsiso-dev/${n} ${spec}`).join(' && ')}`);
    const seen: string[] = [];
    const want: string[] = [];
    for (const [name, , ok] of nodes) {
      const r = await h.run(as('guestA', `: </tmp/fsiso-dev/${name}`));
      seen.push(`${name}: ${r.exitCode === 0 ? 'opened' : /not permitted/.test(r.stderr) ? 'EPERM' : r.stderr.trim()}`);
      want.push(`${name}: ${ok ? 'opened' : 'EPERM'}`);
    }
    expect(seen).toEqual(want);
    // The guest's own node, made with CAP_MKNOD, opens nothing more; the host's /dev/ttyS0 neither.
    const own = await h.run(as('guestA', 'mknod /tmp/fsiso-dev/own c 4 64 && : </tmp/fsiso-dev/own'));
    expect(own.stderr).toMatch(/not permitted/);
    expect((await h.run(as('guestA', ': </dev/ttyS0'))).stderr).toMatch(/not permitted/);
    // ptmx works only next to a devpts instance: the guest's /dev/ptmx and /dev/null.
    await h.guest.shell.succeed(as('guestA', ': </dev/ptmx && : </dev/null'));
    // The host is not restricted.
    await h.guest.shell.succeed(': </tmp/fsiso-dev/zero && : </tmp/fsiso-dev/kmsg');
    await h.guest.shell.succeed('rm -rf /tmp/fsiso-dev');
  });

  it('a unified file (immutable + iunlink) cannot be changed, but each of its names can be unlinked and (K4) linked', async () => {
    await h.guest.shell.succeed('mkdir -p /tmp/fsiso-u && echo shared >/tmp/fsiso-u/a && ln /tmp/fsiso-u/a /tmp/fsiso-u/b && setattr --iunlink /tmp/fsiso-u/a');
    expect((await h.guest.shell.succeed('showattr /tmp/fsiso-u/b')).stdout).toBe('-----UIc-  /tmp/fsiso-u/b\n');
    for (const cmd of ['echo x >>/tmp/fsiso-u/b', 'echo x >/tmp/fsiso-u/b', 'chmod 600 /tmp/fsiso-u/b']) {
      const r = await h.run(as('guestA', cmd));
      expect(r.exitCode, cmd).not.toBe(0);
    }
    // Unification links such files into every guest (ABI §11 K4): a new name works.
    await h.guest.shell.succeed(as('guestA', 'ln /tmp/fsiso-u/b /tmp/fsiso-u/c && rm /tmp/fsiso-u/c'));
    await h.guest.shell.succeed(as('guestA', 'rm /tmp/fsiso-u/b'));
    expect((await h.guest.shell.succeed('ls /tmp/fsiso-u; cat /tmp/fsiso-u/a')).stdout).toBe('a\nshared\n');
    // Plain immutable (no iunlink): not even unlinking.
    await h.guest.shell.succeed('setattr --~iunlink /tmp/fsiso-u/a && setattr --immutable /tmp/fsiso-u/a');
    expect((await h.run(as('guestA', 'rm /tmp/fsiso-u/a'))).exitCode).not.toBe(0);
    await h.guest.shell.succeed('setattr --~immutable /tmp/fsiso-u/a && rm -rf /tmp/fsiso-u');
  });

  it('COW link breaking: a guest writing its name of a unified COW file gets a private copy; the other names keep the original', async () => {
    await h.guest.shell.succeed(
      `mkdir -p ${MNT}/cow/g1 ${MNT}/cow/g2 ${MNT}/cow/g3 && chmod -R 777 ${MNT}/cow && echo original >${MNT}/cow/master && chmod 644 ${MNT}/cow/master && ` +
        `ln ${MNT}/cow/master ${MNT}/cow/g1/f && ln ${MNT}/cow/master ${MNT}/cow/g2/f && ln ${MNT}/cow/master ${MNT}/cow/g3/r && setattr --iunlink --cow ${MNT}/cow/master`,
    );
    const ino = async (p: string): Promise<string> => (await h.guest.shell.succeed(`stat -c '%i %h' ${p}`)).stdout.trim();
    const [shared] = (await ino(`${MNT}/cow/master`)).split(' ');
    expect(await ino(`${MNT}/cow/g1/f`)).toBe(`${shared} 4`);

    // Guest A appends through its name: the write lands in a copy of its own.
    expect((await h.guest.shell.succeed(as('guestA', `echo changed >>${MNT}/cow/g1/f && cat ${MNT}/cow/g1/f`))).stdout).toBe('original\nchanged\n');
    const [copy, links] = (await ino(`${MNT}/cow/g1/f`)).split(' ');
    expect(copy).not.toBe(shared);
    expect(links).toBe('1');
    expect(await ino(`${MNT}/cow/g2/f`)).toBe(`${shared} 3`);
    expect((await h.guest.shell.succeed(`cat ${MNT}/cow/g2/f ${MNT}/cow/master`)).stdout).toBe('original\noriginal\n');
    // The copy is a plain file of guest A: no vserver attributes, A's tag, same mode; no temporary name is left.
    expect((await h.guest.shell.succeed(`showattr ${MNT}/cow/g1/f; lsxid ${MNT}/cow/g1/f; ls -a ${MNT}/cow/g1; stat -c %a ${MNT}/cow/g1/f`)).stdout).toBe(
      `-----uicX  ${MNT}/cow/g1/f\n${String(A).padStart(20)}  ${MNT}/cow/g1/f\n.\n..\nf\n644\n`,
    );

    // O_TRUNC from guest B breaks its link too; the original is still intact.
    expect((await h.guest.shell.succeed(as('guestB', `echo mine >${MNT}/cow/g2/f && cat ${MNT}/cow/g2/f`))).stdout).toBe('mine\n');
    expect((await h.guest.shell.succeed(`cat ${MNT}/cow/master; stat -c %h ${MNT}/cow/master`)).stdout).toBe('original\n2\n');

    // Reading never copies; the host does not break links (EPERM, as for any immutable file).
    await h.guest.shell.succeed(as('guestA', `cat ${MNT}/cow/g3/r >/dev/null`));
    expect(await ino(`${MNT}/cow/g3/r`)).toBe(`${shared} 2`);
    const host = await h.run(`echo x >>${MNT}/cow/g3/r`);
    expect(host.exitCode).not.toBe(0);
    expect(host.stderr).toMatch(/not permitted/);
    // Without COW a unified file stays unwritable for guests.
    await h.guest.shell.succeed(`setattr --~cow ${MNT}/cow/master`);
    expect((await h.run(as('guestA', `echo x >>${MNT}/cow/g3/r`))).stderr).toMatch(/not permitted/);
    await h.guest.shell.succeed(`setattr --~iunlink ${MNT}/cow/master && rm -rf ${MNT}/cow`);
  });

  it('chxid -R and setattr -R change a directory and everything below it; a missing file is an error', async () => {
    await h.guest.shell.succeed(`mkdir -p ${MNT}/rec/a/b && touch ${MNT}/rec/a/f ${MNT}/rec/a/b/g ${MNT}/rec/outside`);
    await h.guest.shell.succeed(`chxid -c 7 -R ${MNT}/rec/a && setattr -R --iunlink ${MNT}/rec/a`);
    const tags = (await h.guest.shell.succeed(`lsxid -d ${MNT}/rec/a ${MNT}/rec/a/f ${MNT}/rec/a/b ${MNT}/rec/a/b/g ${MNT}/rec/outside`)).stdout;
    expect(
      tags
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => l.trim().split(/\s+/)[0]),
    ).toEqual(['7', '7', '7', '7', '0']);
    const attrs = (await h.guest.shell.succeed(`showattr -d ${MNT}/rec/a/b/g ${MNT}/rec/outside`)).stdout.split('\n');
    expect(attrs[0]).toMatch(/^\S*U\S*\s/);
    expect(attrs[1]).not.toMatch(/^\S*U\S*\s/);
    const r = await h.run(`chxid -c 7 -R ${MNT}/rec/missing`);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(`chxid: ${MNT}/rec/missing: No such file or directory\n`);
  });
});
