/**
 * The console under stress, on the real kernel: many commands in a row, every byte value,
 * a megabyte of output, long commands, file trees moved in, a hanging command, and a kernel
 * panic turned into a KernelSplatError.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { putTree } from '../../harness/console/put.ts';
import { CommandTimeoutError, KernelSplatError } from '../../harness/errors.ts';
import { bootGuest } from '../../harness/guest.ts';
import { backend, timeScale, useGuest } from '../fixtures.ts';

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

describe(`console protocol on the booted kernel (${backend})`, () => {
  const h = useGuest({ variant: 'vserver' });

  it('runs 200 commands in a row, each with its own output and exit status', async () => {
    for (let i = 0; i < 200; i++) {
      const r = await h.guest.shell.run(`echo line-${i}; exit ${(i * 37) % 256}`);
      expect(r.stdout).toBe(`line-${i}\n`);
      expect(r.exitCode).toBe((i * 37) % 256);
    }
  });

  it('keeps stdout and stderr apart', async () => {
    const r = await h.guest.shell.run('echo to-out; echo to-err >&2; exit 3');
    expect(r).toMatchObject({ exitCode: 3, stdout: 'to-out\n', stderr: 'to-err\n' });
  });

  it('returns output containing all 256 byte values unchanged', async () => {
    const octal = Array.from({ length: 256 }, (_, i) => `\\${i.toString(8).padStart(3, '0')}`).join('');
    const r = await h.guest.shell.succeed(`printf '${octal}'`);
    expect(r.stdoutBytes.equals(Buffer.from(Array.from({ length: 256 }, (_, i) => i)))).toBe(true);
  });

  it('returns 1 MiB of output intact', async () => {
    await h.guest.shell.succeed('head -c 1048576 /dev/urandom > /tmp/big');
    const sum = (await h.guest.shell.succeed('md5sum < /tmp/big')).stdout.split(' ')[0];
    const r = await h.guest.shell.succeed('cat /tmp/big', { timeoutMs: 120_000 });
    expect(r.stdoutBytes.length).toBe(1 << 20);
    expect(md5(r.stdoutBytes)).toBe(sum);
  });

  it('runs a command longer than a console line holds (uploaded first)', async () => {
    const word = 'v'.repeat(5000);
    const r = await h.guest.shell.succeed(`printf %s ${word} | wc -c`);
    expect(r.stdout.trim()).toBe('5000');
  });

  it('moves a host directory tree into the guest (--put)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vslab-put-'));
    const blob = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31 + 7) & 0xff));
    await mkdir(join(dir, 'sub', 'deeper'), { recursive: true });
    await writeFile(join(dir, 'sub', 'deeper', 'blob.bin'), blob);
    await writeFile(join(dir, 'run.sh'), '#!/bin/sh\necho put-ok\n', { mode: 0o755 });
    await symlink('sub/deeper/blob.bin', join(dir, 'link'));
    await putTree(h.guest.shell, dir, '/opt/put');
    expect((await h.guest.shell.succeed('/opt/put/run.sh')).stdout).toBe('put-ok\n');
    expect((await h.guest.shell.succeed('md5sum < /opt/put/link')).stdout.split(' ')[0]).toBe(md5(blob));
  });

  it('times out a command that hangs, and the shell stays usable', async () => {
    await expect(h.guest.shell.run('sleep 1000', { timeoutMs: 3000 })).rejects.toBeInstanceOf(CommandTimeoutError);
    expect((await h.guest.shell.succeed('echo still-here')).stdout).toBe('still-here\n');
  });
});

describe(`kernel panic detection (${backend})`, () => {
  it(
    'turns a deliberate panic into a KernelSplatError with the panic text, and the emulator ends',
    async () => {
      const guest = await bootGuest({ backend, variant: 'vserver' });
      try {
        const err = await guest.shell.run('echo c > /proc/sysrq-trigger').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(KernelSplatError);
        expect((err as KernelSplatError).kind).toBe('panic');
        expect((err as KernelSplatError).consoleTail).toContain('sysrq triggered crash');
        const exit = await guest.machine.exited;
        expect(exit.requested).toBe(false);
      } finally {
        await guest.close();
      }
    },
    120_000 * timeScale,
  );
});
