import { describe, expect, it } from 'vitest';
import { Shell } from '../../harness/console/shell.ts';
import { CommandFailedError, CommandTimeoutError, KernelSplatError, ProtocolError } from '../../harness/errors.ts';
import { FakeGuest } from './fake-guest.ts';

const ok = (stdout: string, exitCode = 0) => ({ exitCode, stdout: Buffer.from(stdout), stderr: Buffer.alloc(0) });

describe('Shell over a replayed console', () => {
  it('returns status and output and never throws on a non-zero exit', async () => {
    const guest = new FakeGuest((cmd) => (cmd === 'false' ? ok('', 1) : ok(`ran ${cmd}\n`)));
    const shell = new Shell(guest);
    expect(await shell.run('echo x')).toMatchObject({ exitCode: 0, stdout: 'ran echo x\n' });
    expect(await shell.run('false')).toMatchObject({ exitCode: 1, stdout: '' });
    await expect(shell.succeed('false')).rejects.toBeInstanceOf(CommandFailedError);
  });

  it('keeps 200 commands in order with their statuses', async () => {
    const guest = new FakeGuest((cmd) => ok(`${cmd}\n`, Number(cmd) % 7));
    const shell = new Shell(guest);
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => shell.run(String(i))));
    results.forEach((r, i) => {
      expect(r.stdout).toBe(`${i}\n`);
      expect(r.exitCode).toBe(i % 7);
    });
  });

  it('asks again when a frame arrives damaged', async () => {
    const guest = new FakeGuest(ok('x'.repeat(500)));
    guest.corruptNext = 1;
    const shell = new Shell(guest);
    expect((await shell.run('cat big')).stdout).toBe('x'.repeat(500));
  });

  it('gives up with a ProtocolError when every resend is damaged', async () => {
    const guest = new FakeGuest(ok('y'.repeat(500)));
    guest.corruptNext = 1;
    const shell = new Shell(guest);
    // Damage the resends too by corrupting every frame the guest prints.
    const origEmit = guest.emit.bind(guest);
    guest.emit = (text: string) => origEmit(text.replace(/eXl5eXl5/g, 'eXl5[ 9] x\neXl5'));
    await expect(shell.run('cat big')).rejects.toBeInstanceOf(ProtocolError);
  });

  it('uploads long commands instead of typing them', async () => {
    const long = `echo ${'z'.repeat(3000)}`;
    const guest = new FakeGuest((cmd) => ok(String(cmd.length)));
    const shell = new Shell(guest);
    expect((await shell.run(long)).stdout).toBe(String(long.length));
    expect(guest.commands).toEqual([long]);
  });

  it('uploads binary files with acknowledged windows', async () => {
    const data = Buffer.from(Array.from({ length: 20000 }, (_, i) => (i * 7) & 0xff));
    const guest = new FakeGuest(ok(''));
    const shell = new Shell(guest);
    await shell.upload(data, '/tmp/blob');
    expect(guest.files.get('/tmp/blob')?.equals(data)).toBe(true);
  });

  it('times out a hanging command, interrupts it and stays usable', async () => {
    const guest = new FakeGuest((cmd) => (cmd === 'sleep 1000' ? 'hang' : ok('alive\n')));
    const shell = new Shell(guest);
    await expect(shell.run('sleep 1000', { timeoutMs: 50 })).rejects.toBeInstanceOf(CommandTimeoutError);
    expect((await shell.run('echo alive')).stdout).toBe('alive\n');
  });

  it('abandons an upload that stalls, and the shell stays usable', async () => {
    const guest = new FakeGuest(ok('alive\n'));
    guest.stallUploads = true;
    const shell = new Shell(guest);
    await expect(shell.upload(Buffer.alloc(20000, 1), '/tmp/x', { timeoutMs: 50 })).rejects.toBeInstanceOf(CommandTimeoutError);
    expect((await shell.run('echo alive')).stdout).toBe('alive\n');
    expect(guest.files.has('/tmp/x')).toBe(false);
  });

  it('fails the pending command and later ones when the kernel panics', async () => {
    const guest = new FakeGuest('hang');
    const shell = new Shell(guest);
    const pending = shell.run('echo c > /proc/sysrq-trigger');
    const panic = new KernelSplatError('panic', 'Kernel panic - not syncing: sysrq triggered crash', '...');
    shell.fail(panic);
    await expect(pending).rejects.toBe(panic);
    await expect(shell.run('true')).rejects.toBe(panic);
  });

  it('waits for the ready marker even when it arrives in pieces', async () => {
    const guest = new FakeGuest(ok(''));
    const shell = new Shell(guest);
    const ready = shell.waitReady(1000, () => new ProtocolError('no ready'));
    guest.emit('[ 0.5] Run /init as init process\nVSLA');
    guest.emit('B{boot:ready}\n');
    await expect(ready).resolves.toBeUndefined();
  });
});
