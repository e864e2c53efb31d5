import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelSplatError, MachineExitedError } from '../../harness/errors.ts';
import { SEABIOS_PATH } from '../../harness/machine/v86.ts';
import { bootGuest, type Guest } from '../../harness/guest.ts';

// The shared guest serves the tests that leave it running; the reboot and panic tests end their
// machine on purpose, so each boots its own.
describe.skipIf(!existsSync(SEABIOS_PATH))('v86 backend (needs Debian package seabios)', () => {
  let guest: Guest;

  beforeAll(async () => {
    guest = await bootGuest({ backend: 'v86' });
  });

  afterAll(async () => {
    await guest?.close();
  });

  it('v86 boots the vserver kernel to the framed shell and reports the VServer interface', async () => {
    expect(guest.machine.description).toMatch(/^v86 \d+\.\d+\.\d+/);
    const r = await guest.shell.succeed('cat /proc/virtual/info');
    expect(r.stdout).toMatch(/^VCIVersion:\t/m);
    expect((await guest.shell.succeed('cat /proc/cmdline')).stdout).toContain('tsc=reliable');
  });

  it('v86 runs shell loops and passes exit statuses through', async () => {
    expect((await guest.shell.succeed('for i in 1 2 3; do echo $i; done')).stdout).toBe('1\n2\n3\n');
    expect((await guest.shell.run('exit 7')).exitCode).toBe(7);
  });

  it('v86 serial input is binary-safe: bytes 0-255 reach a raw tty unchanged', async () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const ready = new Promise<void>((resolve) => {
      let seen = '';
      const off = guest.machine.onData((chunk) => {
        seen += Buffer.from(chunk).toString('latin1');
        if (seen.includes('RAW-2-READY')) {
          off();
          resolve();
        }
      });
    });
    const run = guest.shell.run(
      // The marker is computed in the guest so that the echo of the typed command cannot match it.
      'stty raw -echo </dev/ttyS0 && echo RAW-$((1+1))-READY >/dev/ttyS0 && head -c 256 </dev/ttyS0 >/tmp/bytes; stty sane </dev/ttyS0; md5sum </tmp/bytes',
    );
    await ready;
    guest.machine.write(bytes);
    const r = await run;
    expect(r.stdout.split(' ')[0]).toBe(createHash('md5').update(bytes).digest('hex'));
  });

  it('v86 `reboot -f` ends the machine, as QEMU -no-reboot does', async () => {
    const g = await bootGuest({ backend: 'v86' });
    try {
      const answer = g.shell.run('reboot -f');
      expect(await g.machine.exited).toEqual({ code: null, signal: null, requested: false });
      await expect(answer).rejects.toBeInstanceOf(MachineExitedError);
    } finally {
      await g.close();
    }
  });

  it('v86 kernel panic (panic=-1) ends the machine and is reported as KernelSplatError', async () => {
    const g = await bootGuest({ backend: 'v86' });
    try {
      const answer = g.shell.run('echo c >/proc/sysrq-trigger');
      await expect(answer).rejects.toBeInstanceOf(KernelSplatError);
      expect((await g.machine.exited).requested).toBe(false);
    } finally {
      await g.close();
    }
  });

  it('v86 stop() is idempotent and resolves exited as requested', async () => {
    const g = await bootGuest({ backend: 'v86' });
    await Promise.all([g.close(), g.machine.stop()]);
    await g.machine.stop();
    expect(await g.machine.exited).toEqual({ code: null, signal: null, requested: true });
  });
});
