/**
 * Faults around the kernel (issue #14): the emulator killed in the middle of a command, random
 * bytes on the console, Ctrl-C on `vslab run`. Each must end with its typed error (or signal)
 * instead of waiting for a command's deadline, and leave nothing behind: no emulator process, no
 * lock file of the interrupted process. (A hanging command and a panic: tests/reliability/console.test.ts.)
 */
import { execa } from 'execa';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MachineExitedError } from '../../harness/errors.ts';
import { cacheRoot, repoRoot } from '../../harness/paths.ts';
import { bootGuest } from '../../harness/guest.ts';
import { backend, timeScale, useGuest } from '../fixtures.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `cond` every 50 ms until it holds; false if `timeoutMs` passes first. */
async function poll(cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (performance.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

/** The pid of a QEMU process whose parent is `parent`, from /proc. */
async function qemuChildOf(parent: number): Promise<number | undefined> {
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …; comm may hold spaces, so read from the last ')'.
    const comm = /\((.*)\)/.exec(stat)?.[1] ?? '';
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === parent && comm.startsWith('qemu-system')) return Number(name);
  }
  return undefined;
}

describe.skipIf(backend !== 'qemu')('harness faults (QEMU: an emulator process to kill)', () => {
  it('the emulator killed in the middle of a command: MachineExitedError at once, no process left', async () => {
    const guest = await bootGuest({});
    try {
      const pid = guest.machine.pid;
      expect(pid).toBeGreaterThan(0);
      const pending = guest.shell.run('sleep 60', { timeoutMs: 300_000 });
      const killedAt = performance.now();
      process.kill(pid ?? 0, 'SIGKILL');
      await expect(pending).rejects.toBeInstanceOf(MachineExitedError);
      // Reported because the emulator ended, not because the command's 300 s ran out.
      expect(performance.now() - killedAt).toBeLessThan(30_000);
      expect(await poll(() => !alive(pid ?? 0), 5_000)).toBe(true);
    } finally {
      await guest.close();
    }
  });

  it('Ctrl-C on `vslab run` ends it by SIGINT with its emulator, leaving no lock of its own', async () => {
    const child = execa(join(repoRoot, 'bin', 'vslab'), ['run', '--', 'sleep 60'], { reject: false });
    const vslabPid = child.pid ?? 0;
    let qemu: number | undefined;
    expect(await poll(async () => (qemu = await qemuChildOf(vslabPid)) !== undefined, 120_000)).toBe(true);
    child.kill('SIGINT');
    const r = await child;
    expect(r.signal).toBe('SIGINT');
    expect(await poll(() => !alive(qemu ?? 0), 5_000)).toBe(true);
    const locks = join(cacheRoot(), 'locks');
    const held = await readdir(locks).catch(() => [] as string[]);
    const ours: string[] = [];
    for (const l of held) if ((await readFile(join(locks, l), 'utf8').catch(() => '')).trim() === String(vslabPid)) ours.push(l);
    expect(ours).toEqual([]);
  }, 180_000);
});

describe('console garbage', () => {
  const h = useGuest({});

  it(
    'random bytes written to the console during 100 commands: each command still gets its own output and status',
    async () => {
      const tty = (await h.guest.shell.succeed("sed -n 's/.*console=\\([a-zA-Z0-9]*\\).*/\\1/p' /proc/cmdline")).stdout.trim();
      await h.guest.shell.succeed(`(i=0; while [ $i -lt 400 ]; do head -c 64 /dev/urandom >/dev/${tty}; i=$((i + 1)); done) >/dev/null 2>&1 </dev/null &`);
      for (let i = 0; i < 100; i++) {
        const r = await h.guest.shell.run(`echo out-${i}; echo err-${i} >&2; exit ${i % 7}`);
        expect(r).toMatchObject({ stdout: `out-${i}\n`, stderr: `err-${i}\n`, exitCode: i % 7 });
      }
    },
    300_000 * timeScale,
  );
});
