/**
 * The x86_64 kernel: sys_vserver in slot 236 for 64-bit tasks, and the IA-32 compat entry in
 * slot 273 of the 32-bit table for i386 programs (the i386 build of the tools).
 */
import { describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';
import { vc } from './helpers.ts';

const COMPAT_BIN = '/usr/lib/vslab/i386/bin';

describe('sys_vserver on the x86_64 vserver kernel', () => {
  const h = useGuest({ arch: 'x86_64', variant: 'vserver', backend: 'qemu' });

  it('runs a 64-bit userspace on a 64-bit kernel', async () => {
    expect((await h.guest.shell.succeed('uname -m')).stdout.trim()).toBe('x86_64');
  });

  it('64-bit tasks reach it through slot 236, and /proc/virtual/info says so', async () => {
    expect(await vc(h.guest.shell, '0 63')).toMatchObject({ ret: 0x00020308 });
    expect((await h.guest.shell.succeed('cat /proc/virtual/info')).stdout).toMatch(/^VCISyscall:\t236$/m);
    expect((await h.guest.shell.succeed('vserver-info')).stdout).toMatch(/syscall: 236/);
  });

  it('i386 tasks reach the compat entry through slot 273 with the same answers', async () => {
    const r = await h.guest.shell.succeed(`${COMPAT_BIN}/vsyscall 0 63; ${COMPAT_BIN}/vsyscall 0x2e010000 999999; ${COMPAT_BIN}/vsyscall --drop-cap 41 0 0`);
    expect(r.stdout).toBe('ret=131848 errno=0 OK\nret=-1 errno=3 ESRCH\nret=-1 errno=38 ENOSYS\n');
    expect((await h.guest.shell.succeed(`${COMPAT_BIN}/vserver-info`)).stdout).toMatch(/syscall: 273/);
  });

  it('ctx_iattr_v1 (24 bytes native, 16 compat) carries the path pointer in both ABIs', async () => {
    const cmd = 'mkdir -p /tmp/ia && mount -t tmpfs -o tag tmpfs /tmp/ia && touch /tmp/ia/f';
    await h.guest.shell.succeed(cmd);
    for (const bin of ['', `${COMPAT_BIN}/`]) {
      await h.guest.shell.succeed(`${bin}chxid -c 77 /tmp/ia/f && ${bin}setattr --iunlink-but-not-immutable /tmp/ia/f`);
      expect((await h.guest.shell.succeed(`${bin}lsxid /tmp/ia/f; ${bin}showattr /tmp/ia/f`)).stdout, bin || 'native').toBe(`${'77'.padStart(20)}  /tmp/ia/f\n-----UicX  /tmp/ia/f\n`);
      await h.guest.shell.succeed(`${bin}chxid -c 0 /tmp/ia/f && ${bin}setattr --~iunlink /tmp/ia/f`);
    }
  });

  it('FIOC_GETXFLG/SETXFLG: a long natively (0x80087805), 32 bits through the compat ioctl (0x80047805)', async () => {
    for (const bin of ['', `${COMPAT_BIN}/`]) {
      expect((await h.guest.shell.succeed(`${bin}xflg /tmp/ia/f 0x00020000`)).stdout, bin || 'native').toBe('0x01020000\n');
      expect((await h.guest.shell.succeed(`${bin}xflg /tmp/ia/f 0`)).stdout, bin || 'native').toBe('0x01000000\n');
    }
  });
});
