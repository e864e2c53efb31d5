/**
 * Guest snapshots on the real kernel, on the backend of the run (QEMU in the vm project, v86 in
 * the v86 one): two guests restored from one snapshot are two machines (their own random bytes,
 * clock, files, exit codes), and a snapshot that is damaged or that the emulator refuses gives a
 * clean boot instead, never a wrong guest, and is replaced.
 *
 * The seed step (vsrestore) is shown by the pool it fills: 256 bits after a restore, fewer in a
 * restore without it (the control). Distinct random bytes alone would not show it on TCG: the
 * snapshot's generator is not yet initialised, and reading /dev/urandom then gathers jitter
 * entropy from a clock that follows the host's, so two bare restores diverge anyway.
 */
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { Shell } from '../../harness/console/shell.ts';
import type { Machine, MachineOptions } from '../../harness/machine/machine.ts';
import { QemuMachine } from '../../harness/machine/qemu.ts';
import { V86Machine } from '../../harness/machine/v86.ts';
import { fileCrc32, findSnapshot, snapshotPaths, type SnapshotMeta, type SnapshotPaths } from '../../harness/machine/snapshot.ts';
import { bootGuest, type BootOptions, type Guest } from '../../harness/guest.ts';
import { backend, timeScale } from '../fixtures.ts';

// A snapshot key of this file's own (the command line is part of it): the damage done here never
// meets another file's guests, restoring in parallel from the default key, nor do their restores
// and replacements race with what is asserted here.
const opts: BootOptions = { backend, variant: 'vserver', snapshot: true, extraCmdline: 'vslab.suite=snapshot' };
const open_: Guest[] = [];

/** Boots or restores a guest with `opts`, noting the progress lines. */
async function guest(progress: string[] = []): Promise<Guest> {
  const g = await bootGuest({ ...opts, progress: (m) => progress.push(m) });
  open_.push(g);
  return g;
}

async function close(g: Guest): Promise<void> {
  open_.splice(open_.indexOf(g), 1);
  await g.close();
  if (g.splatDetector.splat !== undefined) throw g.splatDetector.splat;
}

afterAll(async () => {
  for (const g of open_.splice(0)) await g.close();
});

/** A guest restored from the snapshot, made first if there is none yet. */
async function restored(): Promise<Guest> {
  const g = await guest();
  if (g.restored) return g;
  await close(g);
  const again = await guest();
  expect(again.restored, 'the second guest of the same machine comes from the snapshot the first left').toBe(true);
  return again;
}

/** A guest restored from the snapshot (restored()) and closed again, with the snapshot's key and files: a snapshot no guest is using. */
async function closedRestore(): Promise<{ g: Guest; key: string; paths: SnapshotPaths }> {
  const g = await restored();
  const key = g.snapshotKey ?? '';
  await close(g);
  return { g, key, paths: snapshotPaths(key) };
}

/** A guest of `opts` whose restore must fail: it boots instead, and its progress says why (WHY). */
async function bootAfterFailedRestore(why: RegExp): Promise<Guest> {
  const progress: string[] = [];
  const b = await guest(progress);
  expect(b.restored).toBe(false);
  expect(progress.join('\n')).toMatch(why);
  return b;
}

/** A machine restored from `state` as bootGuest restores one, but nothing run in it yet. */
function bareRestore(g: Guest, state: string): Machine {
  const machineOpts: MachineOptions = {
    arch: 'i386',
    kernelPath: g.kernel.image,
    initrdPath: g.image.path,
    extraCmdline: opts.extraCmdline,
    restoreFrom: state,
  };
  if (g.machine instanceof QemuMachine)
    return new QemuMachine({ ...machineOpts, accel: g.machine.accel, qmpSocketPath: `/tmp/vslab-snaptest-${process.pid}.sock` });
  return new V86Machine(machineOpts);
}

describe(`guest snapshots (${backend})`, () => {
  it(
    'two guests restored from one snapshot are independent machines',
    async () => {
      const a = await restored();
      const b = await guest();
      expect(b.restored).toBe(true);
      expect(b.snapshotKey).toBe(a.snapshotKey);
      const random = async (g: Guest): Promise<string> => (await g.shell.succeed('head -c 32 /dev/urandom | od -An -tx1 | tr -d " \\n"')).stdout;
      // vsrestore credited the host's bytes: the kernel's generator is seeded (the pool full).
      for (const g of [a, b]) expect((await g.shell.succeed('cat /proc/sys/kernel/random/entropy_avail')).stdout).toBe('256\n');
      const [ra, rb] = [await random(a), await random(b)];
      expect(ra).toMatch(/^[0-9a-f]{64}$/);
      expect(ra).not.toBe(rb);
      expect((await a.shell.run('echo a; exit 7')).exitCode).toBe(7);
      expect(await b.shell.run('false')).toMatchObject({ exitCode: 1, stdout: '' });
      await a.shell.succeed('echo only-in-a > /tmp/mark');
      expect((await b.shell.run('cat /tmp/mark')).exitCode).not.toBe(0);
      expect((await a.shell.succeed('cat /tmp/mark')).stdout).toBe('only-in-a\n');
      // The wall clock is the host's, not the snapshot's.
      for (const g of [a, b]) {
        const guestNow = Number((await g.shell.succeed('date +%s')).stdout.trim());
        expect(Math.abs(guestNow - Date.now() / 1000)).toBeLessThan(30);
      }
      await close(a);
      await close(b);
    },
    180_000 * timeScale,
  );

  it(
    'control: a restore without vsrestore has an unseeded generator (what the seed step is for)',
    async () => {
      const { g, paths } = await closedRestore();
      // The same restore as bootGuest's, minus its first command.
      const m = bareRestore(g, paths.state);
      const shell = new Shell(m, { timeScale });
      try {
        await m.start();
        // Under emulation nothing has credited the pool this early in the guest's life.
        expect(Number((await shell.succeed('cat /proc/sys/kernel/random/entropy_avail')).stdout)).toBeLessThan(256);
      } finally {
        shell.detach();
        await m.stop();
      }
    },
    180_000 * timeScale,
  );

  it(
    'a snapshot whose state was damaged (checksum) gives a boot, and is replaced',
    async () => {
      const { key, paths } = await closedRestore();
      const size = (await stat(paths.state)).size;
      // One byte in the middle of the guest's RAM: the emulator would load it without complaint.
      const fh = await open(paths.state, 'r+');
      const at = Math.floor(size / 2);
      const byte = Buffer.alloc(1);
      await fh.read(byte, 0, 1, at);
      byte[0] = (byte[0] ?? 0) ^ 0x5a;
      await fh.write(byte, 0, 1, at);
      await fh.close();
      const b = await bootAfterFailedRestore(/restore failed \(snapshot state does not match its checksum/);
      expect((await b.shell.run('exit 3')).exitCode).toBe(3);
      expect(await readFile(b.consoleLogPath, 'latin1')).toMatch(/\[vslab\] restore from snapshot [0-9a-f]+ failed/);
      await close(b);
      const again = await findSnapshot(key);
      expect(again.found).toBe(true);
      if (again.found) {
        expect(await fileCrc32(again.paths.state)).toBe(again.meta.crc32);
        // The new snapshot's boot log is that boot's alone, not the failed restore's notes.
        const bootLog = await readFile(again.paths.bootLog, 'latin1');
        expect(bootLog).toContain('VSLAB{boot:ready}');
        expect(bootLog).not.toContain('[vslab]');
      }
    },
    180_000 * timeScale,
  );

  it(
    'a state the emulator refuses (right size and checksum, wrong content) gives a boot',
    async () => {
      const { paths } = await closedRestore();
      const meta = JSON.parse(await readFile(paths.meta, 'utf8')) as SnapshotMeta;
      await writeFile(paths.state, Buffer.alloc(meta.bytes, 0x41));
      await writeFile(paths.meta, JSON.stringify({ ...meta, crc32: await fileCrc32(paths.state) }));
      const b = await bootAfterFailedRestore(/restore failed/);
      expect((await b.shell.succeed('echo booted')).stdout).toBe('booted\n');
      await close(b);
    },
    180_000 * timeScale,
  );

  it(
    'snapshot: false boots for real, whatever is stored',
    async () => {
      await close(await restored());
      const g = await bootGuest({ ...opts, snapshot: false });
      open_.push(g);
      expect(g.restored).toBe(false);
      // Read once the machine has ended: until then the last console bytes may be on their way to the file.
      await close(g);
      const log = await readFile(g.consoleLogPath, 'latin1');
      expect(log).toContain('VSLAB{boot:ready}');
      expect(log).not.toContain('[vslab] restored');
    },
    180_000 * timeScale,
  );
});
