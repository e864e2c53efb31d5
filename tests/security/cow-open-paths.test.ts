/**
 * COW link breaking on the open paths beside open(2) (issue #23, item 7; kernel-patch/README.md
 * "COW link breaking"): a guest writing its name of a unified COW file through openat2() with
 * RESOLVE_IN_ROOT gets its private copy like any open (the second lookup keeps the open's
 * RESOLVE_* rules), while the other names keep the original; through open_by_handle_at(), which
 * names no link, it gets EPERM, and the kernel-internal VX_ECOWBREAK (4000) never reaches user
 * space.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useGuest } from '../fixtures.ts';

const DIR = '/tmp/cowp';
const guest = (cmd: string): string => `vcontext --create --silent --endsetup --xid 4711 -- sh -c '${cmd}'`;

describe('COW link breaking on openat2 and open_by_handle_at', () => {
  const h = useGuest({ variant: 'vserver' });
  const ino = async (p: string): Promise<string> => (await h.guest.shell.succeed(`stat -c '%i %h' ${p}`)).stdout.trim();

  beforeAll(async () => {
    await h.guest.shell.succeed(
      `mkdir -p ${DIR} && mount -t tmpfs tmpfs ${DIR} && mkdir ${DIR}/d1 ${DIR}/d2 && chmod -R 777 ${DIR} && echo original >${DIR}/master && chmod 666 ${DIR}/master && ` +
        `ln ${DIR}/master ${DIR}/d1/f && ln ${DIR}/master ${DIR}/d2/f && setattr --iunlink --cow ${DIR}/master`,
    );
  });

  it('openat2(RESOLVE_IN_ROOT) breaks the link of the name below the directory, not of one below "/"', async () => {
    const [shared] = (await ino(`${DIR}/master`)).split(' ');
    const r = await h.guest.shell.run(guest(`escape-fs openat2-inroot ${DIR}/d1 /f changed`));
    expect(r.stdout).toBe('OK\n');
    expect(r.exitCode).toBe(0);
    expect((await h.guest.shell.succeed(`cat ${DIR}/d1/f; cat ${DIR}/master`)).stdout).toBe('original\nchangedoriginal\n');
    expect((await ino(`${DIR}/d1/f`)).split(' ')[0]).not.toBe(shared);
  });

  it('open_by_handle_at() for writing names no link to break: EPERM as for any immutable file; errno 4000 never leaks', async () => {
    const before = await ino(`${DIR}/d2/f`);
    const r = await h.guest.shell.run(guest(`escape-fs handle-write ${DIR}/d2/f changed`));
    expect(r.stdout).not.toMatch(/4000/);
    expect(r.stdout).toBe('REFUSED open_by_handle_at EPERM\n');
    expect(await ino(`${DIR}/d2/f`)).toBe(before);
    expect((await h.guest.shell.succeed(`cat ${DIR}/master ${DIR}/d2/f`)).stdout).toBe('original\noriginal\n');
  });
});
