/**
 * Context capabilities (ABI §5.2): every ccap the kernel accepts does what it says, or set_ccaps
 * refuses it (issue #17). Each test runs the same action in a guest past setup without the ccap
 * (refused) and with it (the control: the same action works, or reaches the point the host
 * reaches); the guest is made the way util-vserver makes one (`vattribute --set --secure`, so no
 * CAP_SYS_ADMIN unless a test names it with --bcap, then `vcontext --endsetup --migrate-self`).
 * Probes: escape-fs (mountf, setxattr, rmxattr, read1, write), vspace --new, vsyscall.
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { INIT_SET, PERSISTENT, u64, vc } from './helpers.ts';

const CLONE = { NEWNS: 0x20000n, NEWUTS: 0x4000000n, NEWIPC: 0x8000000n };

describe('context capabilities (ABI §5.2): enforced, or refused by set_ccaps', () => {
  const h = useGuest({ variant: 'vserver' });
  const ok = (cmd: string) => h.guest.shell.succeed(cmd);
  let nextXid = 1700;
  /**
   * Runs CMD (a line for sh) in a new guest past setup: util-vserver's --secure bound plus
   * ATTRS (further vattribute options, e.g. "--bcap CAP_SYS_ADMIN --ccap fs_security").
   */
  const guest = (attrs: string, cmd: string) => {
    const xid = nextXid++;
    return h.run(
      `vcontext --create --silent --xid ${xid} -- vattribute --set --secure ${attrs} -- ` + `vcontext --silent --endsetup --migrate-self -- sh -c '${cmd}'`,
    );
  };

  describe('FS_SECURITY and FS_TRUSTED gate security.* and trusted.* extended attributes', () => {
    it('setup: a tmpfs with files (tmpfs keeps security.* and trusted.* attributes)', async () => {
      await ok('mkdir -p /tmp/xa && mount -t tmpfs tmpfs /tmp/xa && touch /tmp/xa/f /tmp/xa/u && chown 1000:1000 /tmp/xa/u');
    });

    for (const [ns, ccap] of [
      ['security', 'fs_security'],
      ['trusted', 'fs_trusted'],
    ] as const) {
      it(`${ns}.*: a guest with CAP_SYS_ADMIN but without ${ccap} gets EPERM setting and removing it; with ${ccap} both work`, async () => {
        const name = `${ns}.vslab`;
        // The host sets one for the removal tests.
        expect((await ok(`escape-fs setxattr /tmp/xa/f ${name} host`)).stdout).toBe('OK\n');
        const without = await guest('--bcap CAP_SYS_ADMIN', `escape-fs setxattr /tmp/xa/f ${name} guest; escape-fs rmxattr /tmp/xa/f ${name}`);
        expect(without.stdout).toBe('REFUSED setxattr EPERM\nREFUSED removexattr EPERM\n');
        const withCcap = await guest(
          `--bcap CAP_SYS_ADMIN --ccap ${ccap}`,
          `escape-fs setxattr /tmp/xa/f ${name} guest && escape-fs rmxattr /tmp/xa/f ${name}`,
        );
        expect(withCcap).toMatchObject({ exitCode: 0, stdout: 'OK\nOK\n' });
      });
    }

    it('the ccap adds to CAP_SYS_ADMIN, it does not replace it: without the capability the guest is refused even with the ccaps', async () => {
      const r = await guest('--ccap fs_security,fs_trusted', 'escape-fs setxattr /tmp/xa/f security.vslab g; escape-fs setxattr /tmp/xa/f trusted.vslab g');
      expect(r.stdout).toBe('REFUSED setxattr EPERM\nREFUSED setxattr EPERM\n');
    });

    it('the host keeps the stock rule: an unprivileged user may not set security.* or trusted.* on its own file, root may', async () => {
      // The vserver LSM answers inode_setxattr, so the framework skips the capability module's
      // check; the module makes it itself (a user could set security.* on its files otherwise).
      const asUser = (name: string) => `escape-fs asuser 1000 setxattr /tmp/xa/u ${name} u`;
      const user = await ok(`${asUser('security.vslab')}; ${asUser('trusted.vslab')}; true`);
      expect(user.stdout).toBe('REFUSED setxattr EPERM\nREFUSED setxattr EPERM\n');
      expect((await ok('escape-fs setxattr /tmp/xa/u security.vslab root && escape-fs rmxattr /tmp/xa/u security.vslab')).stdout).toBe('OK\nOK\n');
    });
  });

  describe('OOM_ADJUST gates lowering the OOM adjustment', () => {
    it('a guest with CAP_SYS_RESOURCE lowers oom_score_adj and oom_adj only with oom_adjust (EACCES without); raising needs nothing', async () => {
      const lower = 'escape-fs write /proc/$$/oom_score_adj -500; escape-fs write /proc/$$/oom_adj -5; cat /proc/$$/oom_score_adj';
      const without = await guest('--bcap CAP_SYS_RESOURCE', lower);
      expect(without.stdout).toBe('REFUSED write EACCES\nREFUSED write EACCES\n0\n');
      const withCcap = await guest('--bcap CAP_SYS_RESOURCE --ccap oom_adjust', `escape-fs write /proc/$$/oom_score_adj -500 && cat /proc/$$/oom_score_adj`);
      expect(withCcap.stdout).toBe('OK\n-500\n');
      const raise = await guest('', 'escape-fs write /proc/$$/oom_score_adj 300 && cat /proc/$$/oom_score_adj');
      expect(raise.stdout).toBe('OK\n300\n');
      // The host (root) lowers freely.
      expect((await ok("sh -c 'escape-fs write /proc/$$/oom_score_adj -500 && cat /proc/$$/oom_score_adj'")).stdout).toBe('OK\n-500\n');
    });
  });

  describe('SECURE_MOUNT, SECURE_REMOUNT and BINARY_MOUNT', () => {
    it('setup: directories for the mounts, and a chroot with the tools', async () => {
      await ok(
        'mkdir -p /tmp/sm/t /tmp/sm/p /tmp/sm/d /tmp/sm/s /tmp/sm/src /tmp/sm/b /tmp/sm/out /tmp/bm && echo inside >/tmp/sm/src/file && echo outside >/tmp/sm/out/file && ' +
          'mkdir -p /tmp/smroot/bin /tmp/smroot/proc /tmp/smroot/a /tmp/smroot/b && cp /bin/busybox /tmp/smroot/bin/ && cp /usr/lib/vslab/vstool /tmp/smroot/bin/ && ' +
          'ln -sf busybox /tmp/smroot/bin/sh && ln -sf busybox /tmp/smroot/bin/cat && ln -sf vstool /tmp/smroot/bin/escape-fs && echo a >/tmp/smroot/a/file',
      );
    });

    it('without secure_mount a guest cannot mount a tmpfs (EPERM); with it tmpfs, proc and devpts work, forced nodev,nosuid (devpts nosuid,noexec), and it unmounts them', async () => {
      expect((await guest('', 'escape-fs mountf none /tmp/sm/t tmpfs none')).stdout).toBe('REFUSED mount EPERM\n');
      const r = await guest(
        '--ccap secure_mount',
        'escape-fs mountf none /tmp/sm/t tmpfs none && escape-fs mountf proc /tmp/sm/p proc none && escape-fs mountf devpts /tmp/sm/d devpts none && ' +
          'grep -E " /tmp/sm/(t|p|d) " /proc/mounts; escape-fs umount /tmp/sm/t; escape-fs umount /tmp/sm/p; escape-fs umount /tmp/sm/d',
      );
      const lines = r.stdout.split('\n');
      expect(lines.slice(0, 3)).toEqual(['OK', 'OK', 'OK']);
      const opts = (dir: string) => (lines.find((l) => l.split(' ')[1] === dir) ?? '').split(' ')[3]?.split(',') ?? [];
      expect(opts('/tmp/sm/t')).toEqual(expect.arrayContaining(['nosuid', 'nodev']));
      expect(opts('/tmp/sm/p')).toEqual(expect.arrayContaining(['nosuid', 'nodev']));
      expect(opts('/tmp/sm/d')).toEqual(expect.arrayContaining(['nosuid', 'noexec']));
      expect(lines.slice(-4)).toEqual(['OK', 'OK', 'OK', '']);
      // Nothing stays mounted.
      expect((await ok('grep -c " /tmp/sm/" /proc/mounts || true')).stdout).toBe('0\n');
    });

    it('sysfs is not a safe form: EPERM with secure_mount; the host mounts it', async () => {
      expect((await guest('--ccap secure_mount', 'escape-fs mountf sysfs /tmp/sm/s sysfs none')).stdout).toBe('REFUSED mount EPERM\n');
      expect((await ok('escape-fs mountf sysfs /tmp/sm/s sysfs none && escape-fs umount /tmp/sm/s')).stdout).toBe('OK\nOK\n');
    });

    it('bind mounts: with secure_mount a guest binds a directory below its root onto another; one outside its root (a leaked descriptor) is EPERM, which the host can do', async () => {
      // The guest chroots into /tmp/smroot (SYS_CHROOT is in the bound) holding fd 9 on a directory outside.
      const cmd =
        'exec 9</tmp/sm/out; chroot /tmp/smroot sh -c "escape-fs mountf proc /proc proc none && escape-fs mountf /a /b none bind && cat /b/file && escape-fs umount /b; ' +
        'escape-fs mountf /proc/self/fd/9 /b none bind; escape-fs umount /proc"';
      const withCcap = await guest('--ccap secure_mount', cmd);
      expect(withCcap.stdout).toBe('OK\nOK\na\nOK\nREFUSED mount EPERM\nOK\n');
      // CAP_SYS_ADMIN does not lift the rule for a guest.
      const admin = await guest('--bcap CAP_SYS_ADMIN', 'exec 9</tmp/sm/out; escape-fs mountf /proc/self/fd/9 /tmp/sm/b none bind');
      expect(admin.stdout).toBe('OK\n');
      await ok('umount /tmp/sm/b');
      const adminChroot = await guest(
        '--bcap CAP_SYS_ADMIN',
        'exec 9</tmp/sm/out; chroot /tmp/smroot sh -c "escape-fs mountf proc /proc proc none; escape-fs mountf /proc/self/fd/9 /b none bind; escape-fs umount /proc"',
      );
      expect(adminChroot.stdout).toBe('OK\nREFUSED mount EPERM\nOK\n');
      // Control: the host, chrooted the same way, binds the outside directory.
      const host = await ok(
        'exec 9</tmp/sm/out; chroot /tmp/smroot sh -c "escape-fs mountf proc /proc proc none; escape-fs mountf /proc/self/fd/9 /b none bind && cat /b/file; escape-fs umount /b; escape-fs umount /proc"',
      );
      expect(host.stdout).toBe('OK\nOK\noutside\nOK\nOK\n');
    });

    it('SECURE_REMOUNT: remount,bind (read-only) below its root; never read-only to read-write; never a remount of the filesystem; not without the ccap', async () => {
      const r = await guest(
        '--ccap secure_mount,secure_remount',
        'escape-fs mountf none /tmp/sm/t tmpfs none && escape-fs mountf none /tmp/sm/t none remount,bind,ro && grep " /tmp/sm/t " /proc/mounts | cut -d" " -f4 | cut -d, -f1; ' +
          'escape-fs mountf none /tmp/sm/t none remount,bind; escape-fs mountf none /tmp/sm/t tmpfs remount,ro; escape-fs umount /tmp/sm/t',
      );
      expect(r.stdout).toBe('OK\nOK\nro\nREFUSED mount EPERM\nREFUSED mount EPERM\nOK\n');
      const without = await guest(
        '--ccap secure_mount',
        'escape-fs mountf none /tmp/sm/t tmpfs none && escape-fs mountf none /tmp/sm/t none remount,bind,ro; escape-fs umount /tmp/sm/t',
      );
      expect(without.stdout).toBe('OK\nREFUSED mount EPERM\nOK\n');
    });

    it('BINARY_MOUNT: a guest with CAP_SYS_ADMIN mounts nfs only with binary_mount (EPERM before; after, ENODEV as for the host: no nfs here)', async () => {
      expect((await guest('--bcap CAP_SYS_ADMIN', 'escape-fs mountf srv:/x /tmp/bm nfs none')).stdout).toBe('REFUSED mount EPERM\n');
      expect((await guest('--bcap CAP_SYS_ADMIN --ccap binary_mount', 'escape-fs mountf srv:/x /tmp/bm nfs none')).stdout).toBe('REFUSED mount ENODEV\n');
      expect((await h.run('escape-fs mountf srv:/x /tmp/bm nfs none')).stdout).toBe('REFUSED mount ENODEV\n');
      // A type outside the list is not its business: tmpfs works for such a guest.
      expect((await guest('--bcap CAP_SYS_ADMIN', 'escape-fs mountf none /tmp/bm tmpfs none && escape-fs umount /tmp/bm')).stdout).toBe('OK\nOK\n');
    });
  });

  describe('ADMIN_CLOOP and ADMIN_MAPPER widen the devices a guest may open', () => {
    it('loop-control, a loop device and the device-mapper control node: EPERM without the ccap; with it the open reaches the driver as the host does (none is built here)', async () => {
      await ok(
        'mkdir -p /tmp/dv && mknod /tmp/dv/loop-control c 10 237 && mknod /tmp/dv/loop0 b 7 0 && mknod /tmp/dv/mapper-control c 10 236 && chmod 666 /tmp/dv/*',
      );
      const hostErr = async (node: string) => (await h.run(`escape-fs read1 /tmp/dv/${node}`)).stdout;
      for (const [node, ccap] of [
        ['loop-control', 'admin_cloop'],
        ['loop0', 'admin_cloop'],
        ['mapper-control', 'admin_mapper'],
      ] as const) {
        const host = await hostErr(node);
        expect(host).toMatch(/^REFUSED open (ENXIO|ENODEV)\n$/);
        expect((await guest('', `escape-fs read1 /tmp/dv/${node}`)).stdout).toBe('REFUSED open EPERM\n');
        expect((await guest(`--ccap ${ccap}`, `escape-fs read1 /tmp/dv/${node}`)).stdout).toBe(host);
      }
      // Each ccap admits only its own nodes.
      expect((await guest('--ccap admin_mapper', 'escape-fs read1 /tmp/dv/loop-control')).stdout).toBe('REFUSED open EPERM\n');
      expect((await guest('--ccap admin_cloop', 'escape-fs read1 /tmp/dv/mapper-control')).stdout).toBe('REFUSED open EPERM\n');
    });
  });

  describe('NAMESPACE, the umask and the wmask', () => {
    it('past setup a guest with CAP_SYS_ADMIN unshares a namespace only with the namespace ccap or the kind in its umask; during setup it may', async () => {
      const uts = 'vspace --new --mask uts -- echo uts-ok';
      const ipc = 'vspace --new --mask ipc -- echo ipc-ok';
      const without = await guest('--bcap CAP_SYS_ADMIN', `${uts}; ${ipc}`);
      expect(without.stdout).toBe('');
      expect(without.stderr).toBe('vspace: unshare: Operation not permitted\nvspace: unshare: Operation not permitted\n');
      expect((await guest('--bcap CAP_SYS_ADMIN --ccap namespace', `${uts} && ${ipc}`)).stdout).toBe('uts-ok\nipc-ok\n');
      // umask = CLONE_NEWUTS: UTS yes, IPC no.
      const masked = await guest(`--bcap CAP_SYS_ADMIN --umask ${CLONE.NEWUTS}`, `${uts}; ${ipc}`);
      expect(masked.stdout).toBe('uts-ok\n');
      expect(masked.stderr).toBe('vspace: unshare: Operation not permitted\n');
      // In setup (util-vserver's chain makes the guest's namespaces then) nothing is refused.
      const setup = await h.run(`vcontext --create --silent --xid ${nextXid++} -- ${uts}`);
      expect(setup.stdout).toBe('uts-ok\n');
      // The host is not concerned.
      expect((await ok(uts)).stdout).toBe('uts-ok\n');
    });

    it('the wmask logs a refused kind it names (rate limited); a refusal it does not name is silent', async () => {
      await ok('dmesg -c >/dev/null');
      await guest(`--bcap CAP_SYS_ADMIN --umask 0`, 'vspace --new --mask ipc -- true');
      expect((await ok('dmesg')).stdout).not.toMatch(/namespace kinds/);
      const xid = nextXid;
      await h.run(
        `vcontext --create --silent --xid ${xid} -- vsyscall --in ${u64(CLONE.NEWIPC)}${u64(~0n & 0xffffffffffffffffn)} set_wmask ${xid} -- ` +
          `vattribute --set --secure --bcap CAP_SYS_ADMIN -- vcontext --silent --endsetup --migrate-self -- vspace --new --mask ipc -- true`,
      );
      nextXid++;
      expect((await ok('dmesg')).stdout).toMatch(new RegExp(`vserver: xid ${xid}: namespace kinds 0x8000000 refused to vspace\\[\\d+\\]`));
    });

    it('setns(2) through a pidfd is gated the same way: a guest with CAP_SYS_ADMIN joins a namespace only with the ccap (or the kind in its umask); the host joins', async () => {
      // A guest cannot open /proc/PID/ns files at all (they lie outside its root); a pidfd reaches setns.
      const probe = 'escape-fs setns-self uts';
      expect((await guest('--bcap CAP_SYS_ADMIN', probe)).stdout).toBe('REFUSED setns EPERM\n');
      expect((await guest('--bcap CAP_SYS_ADMIN --ccap namespace', probe)).stdout).toBe('OK\n');
      expect((await guest(`--bcap CAP_SYS_ADMIN --umask ${CLONE.NEWUTS}`, probe)).stdout).toBe('OK\n');
      expect((await ok(probe)).stdout).toBe('OK\n');
    });
  });

  describe('set_ccaps refuses what it would only store', () => {
    it('KTHREAD (0x1000000) and bits outside ABI §5.2 are EINVAL, from the host too; every other ccap is accepted; a clear of anything is fine', async () => {
      const xid = nextXid++;
      const call = (args: string) => vc(h.guest.shell, args);
      expect(await call(`--in ${u64(INIT_SET | PERSISTENT)} ctx_create ${xid}`)).toMatchObject({ ret: xid });
      try {
        for (const bad of [0x1000000n, 0x20n, 0x800000n, 1n << 40n]) {
          expect(await call(`--in ${u64(bad)}${u64(bad)} set_ccaps ${xid}`)).toMatchObject({ ret: -1, name: 'EINVAL' });
        }
        const all =
          0x1n |
          0x2n |
          0x4n |
          0x8n |
          0x10n |
          0x100n |
          0x1000n |
          0x2000n |
          0x4000n |
          0x10000n |
          0x20000n |
          0x40000n |
          0x100000n |
          0x200000n |
          0x400000n |
          0x2000000n;
        expect(await call(`--in ${u64(all)}${u64(~0n & 0xffffffffffffffffn)} set_ccaps ${xid}`)).toMatchObject({ ret: 0 });
        const got = await call(`--out 16 get_ccaps ${xid}`);
        expect(got.u64(0)).toBe(all);
        // Clearing (value 0) under a mask with the refused bits is fine: nothing is set.
        expect(await call(`--in ${u64(0n)}${u64(0x1000000n)} set_ccaps ${xid}`)).toMatchObject({ ret: 0 });
        // The tool names the refusal.
        const tool = await h.run(`vattribute --xid ${xid} --set --ccap kthread`);
        expect(tool).toMatchObject({ exitCode: 255, stderr: 'vattribute: set_ccaps: Invalid argument\n' });
      } finally {
        await call(`--in ${u64(0n)}${u64(PERSISTENT)} set_cflags ${xid}`);
      }
    });
  });
});
