/**
 * A vserver kernel booted with an `lsm=` list that leaves the vserver LSM out (issue #23): the
 * hooks never run and the module's blobs are not assigned, so the places outside the LSM that
 * reach into them (fs/locks.c, net/socket.c, ext2's new inodes, FIOC_GETXFLG) must not touch
 * them, and nothing may create or enter a context or network context (EOPNOTSUPP). A flock,
 * sockets, the xflg ioctl and ext2 must work as on any kernel, without a splat (the fixture fails
 * the test on one).
 *
 * On the small variants only the capability module is left (`lsm=capability`); the distro run
 * (VSLAB_SECURITY_VARIANT=distro) keeps Yama and AppArmor, whose file and superblock blobs are
 * what an unguarded accessor would misread.
 */
import { describe, expect, it } from 'vitest';
import { distroRun } from './battery.ts';
import { useGuest } from '../fixtures.ts';

const lsm = distroRun ? 'lsm=yama,apparmor' : 'lsm=capability';

describe(`vserver kernel booted with ${lsm}`, () => {
  const h = useGuest({
    variant: distroRun ? 'vserver-distro' : 'vserver',
    extraCmdline: lsm,
    disk: { sizeMiB: 8, files: { f: 'data\n' } },
  });

  it('the kernel says vserver is not in the LSM list', async () => {
    const r = await h.guest.shell.succeed('dmesg | grep -c "context isolation active" || true');
    expect(r.stdout.trim()).toBe('0');
  });

  it('flock, POSIX locks, sockets and the FIOC ioctls work (blob accessors stay away)', async () => {
    expect((await h.guest.shell.succeed('touch /tmp/lk && escape-fs lock /tmp/lk')).stdout).toBe('OK\n');
    await h.guest.shell.succeed('ip addr >/dev/null && ip -6 route >/dev/null');
    expect((await h.guest.shell.succeed('xflg /tmp/lk')).stdout).toMatch(/^0x[0-9a-f]{8}$/m);
  });

  it('ext2: mount, create, write, chattr, unmount', async () => {
    await h.guest.shell.succeed(
      'mkdir -p /mnt/d && mount -t ext2 /dev/sda /mnt/d && echo more >>/mnt/d/f && mkdir /mnt/d/new && touch /mnt/d/new/g && ' +
        'chattr +i /mnt/d/new/g && chattr -i /mnt/d/new/g && escape-fs lock /mnt/d/f && cat /mnt/d/f && umount /mnt/d',
    );
  });

  it('a tag mount option is not taken (no module eats it)', async () => {
    const r = await h.run('mount -t ext2 -o tag /dev/sda /mnt/d');
    expect(r.exitCode).not.toBe(0);
  });

  it('contexts, the spectator and network contexts: EOPNOTSUPP', async () => {
    for (const cmd of [
      'vcontext --create --xid 4200 -- true',
      'vcontext --migrate --xid 1 -- true',
      'chbind --ip 10.42.0.2 -- true',
      'ncontext --create --nid 4200 -- true',
    ]) {
      const r = await h.run(cmd);
      expect(r.exitCode, cmd).toBe(255);
      expect(r.stderr, cmd).toMatch(/Operation not supported/);
    }
    expect((await h.guest.shell.succeed('ls /proc/virtual')).stdout).not.toMatch(/4200/);
  });
});
