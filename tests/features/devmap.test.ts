/**
 * Device mapping (ABI §4.5, util-vserver's vdevmap): a guest opens only the minimal /dev unless
 * the host maps a device for it (DATTR_OPEN), and makes device nodes without CAP_MKNOD only for a
 * device mapped with DATTR_CREATE. Each mapping is shown beside the same action without it. The
 * device used is /dev/loop-control's number (misc 237), whose driver is not built here: an open the
 * vserver LSM lets through ends in the driver's ENODEV/ENXIO, as the host's does.
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { vpoll } from '../poll.ts';

describe('device mapping (set_mapping/unset_mapping, vdevmap)', () => {
  const h = useGuest({ variant: 'vserver' });
  const ok = (cmd: string) => h.guest.shell.succeed(cmd);
  /** Runs CMD in persistent-free guest XID past setup (util-vserver's --secure bound, no CAP_MKNOD). */
  const inGuest = (xid: number, cmd: string) => h.run(`vcontext --migrate --xid ${xid} -- sh -c '${cmd}'`);
  /** A guest past setup that stays (a sleeping task), for mappings set while it runs. */
  const start = (xid: number) =>
    ok(
      `vcontext --create --silent --xid ${xid} -- vattribute --set --secure -- vcontext --silent --endsetup --migrate-self -- sh -c 'sleep 1000 >/dev/null 2>&1 &'`,
    );
  const stop = (xid: number) => h.run(`vkill --xid ${xid} -s KILL; ${vpoll(`[ -d /proc/virtual/${xid} ]`, { timeoutMs: 2000, not: true })}`);
  /** Runs BODY with guest XID started, and stops it whatever BODY did. */
  const withGuest = async (xid: number, body: () => Promise<void>): Promise<void> => {
    await start(xid);
    try {
      await body();
    } finally {
      await stop(xid);
    }
  };
  /** What guest XID reads opening the loop-control node. */
  const guestOpen = async (xid: number): Promise<string> => (await inGuest(xid, 'escape-fs read1 /tmp/dm/lc')).stdout;
  /** vdevmap ARGS (from the host) fails: exit 255 and the one line "vdevmap: ERROR". */
  const vdevmapFails = async (args: string, error: string): Promise<void> => {
    expect(await h.run(`vdevmap ${args}`), args).toMatchObject({ exitCode: 255, stderr: `vdevmap: ${error}\n` });
  };
  let hostOpen = '';

  it('setup: a loop-control node; the host opening it reaches the driver', async () => {
    await ok('mkdir -p /tmp/dm && rm -f /tmp/dm/* && mknod -m 666 /tmp/dm/lc c 10 237 && mknod -m 666 /tmp/dm/null c 1 3');
    hostOpen = (await h.run('escape-fs read1 /tmp/dm/lc')).stdout;
    expect(hostOpen).toMatch(/^REFUSED open (ENODEV|ENXIO)\n$/);
  });

  it('--open: the guest opens the mapped device (before: EPERM); --unset takes it away again', async () => {
    await start(2001);
    try {
      expect(await guestOpen(2001)).toBe('REFUSED open EPERM\n');
      await ok('vdevmap --xid 2001 --set --open --device /tmp/dm/lc');
      expect(await guestOpen(2001)).toBe(hostOpen);
      // Another guest is not concerned.
      await start(2002);
      expect(await guestOpen(2002)).toBe('REFUSED open EPERM\n');
      await ok('vdevmap --xid 2001 --unset --device /tmp/dm/lc');
      expect(await guestOpen(2001)).toBe('REFUSED open EPERM\n');
      // Unsetting what is not mapped: ESRCH.
      await vdevmapFails('--xid 2001 --unset --device /tmp/dm/lc', 'unset_mapping: No such process');
    } finally {
      await stop(2001);
      await stop(2002);
    }
  });

  it('--create: the guest makes a node of the mapped device without CAP_MKNOD (before: EPERM), and opens it only with --open too', async () => {
    await withGuest(2003, async () => {
      const mk = (name: string) => `escape-fs mknod /tmp/dm/${name} c 10 237`;
      expect((await inGuest(2003, mk('g1'))).stdout).toBe('REFUSED mknod EPERM\n');
      await ok('vdevmap --xid 2003 --set --create --device /tmp/dm/lc');
      // Made; the open is still refused (not mapped for opening).
      expect((await inGuest(2003, mk('g2'))).stdout).toBe('REFUSED open EPERM\n');
      expect((await ok('ls -l /tmp/dm/g2')).stdout).toMatch(/^c.* 10, *237 /);
      // Setting again replaces the flags.
      await ok('vdevmap --xid 2003 --set --create --open --device /tmp/dm/lc');
      expect((await inGuest(2003, mk('g3'))).stdout).toBe(hostOpen);
      // Only that device: another number is still EPERM.
      expect((await inGuest(2003, 'escape-fs mknod /tmp/dm/g4 c 10 236')).stdout).toBe('REFUSED mknod EPERM\n');
    });
  });

  it("xid 0 is the host's table: its mappings apply to every guest", async () => {
    await withGuest(2004, async () => {
      try {
        expect(await guestOpen(2004)).toBe('REFUSED open EPERM\n');
        await ok('vdevmap --xid 0 --set --open --device /tmp/dm/lc');
        expect(await guestOpen(2004)).toBe(hostOpen);
      } finally {
        await h.run('vdevmap --xid 0 --unset --device /tmp/dm/lc');
      }
    });
  });

  it('a context that ends takes its mappings along: a new context with the same id starts without them', async () => {
    await start(2005);
    await ok('vdevmap --xid 2005 --set --open --device /tmp/dm/lc');
    expect(await guestOpen(2005)).toBe(hostOpen);
    await stop(2005);
    await withGuest(2005, async () => {
      expect(await guestOpen(2005)).toBe('REFUSED open EPERM\n');
    });
  });

  it('refused: --remap (EINVAL, not supported), a path that is no device node (ENODEV, EISDIR), an unknown context (ESRCH)', async () => {
    await withGuest(2006, async () => {
      await vdevmapFails('--xid 2006 --set --open --remap --device /tmp/dm/lc --target /tmp/dm/null', 'set_mapping: Invalid argument');
      await ok('touch /tmp/dm/file');
      await vdevmapFails('--xid 2006 --set --open --device /tmp/dm/file', 'set_mapping: No such device');
      await vdevmapFails('--xid 2006 --set --open --device /tmp/dm', 'set_mapping: Is a directory');
      await vdevmapFails('--xid 2099 --set --open --device /tmp/dm/lc', 'set_mapping: No such process');
      // From inside a guest past setup the command does not exist (ENOSYS, ABI §3).
      expect((await inGuest(2006, 'vdevmap --xid 2006 --set --open --device /tmp/dm/lc')).stderr).toBe('vdevmap: set_mapping: Function not implemented\n');
    });
  });
});
