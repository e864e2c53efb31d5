/**
 * Guest snapshots without a VM: the key, the choice to use one, the checks of a stored one and
 * the QEMU arguments of a restore (harness/machine/snapshot.ts, qemu.ts). The restore itself
 * and its fallback on the real kernel are in tests/reliability/snapshot.test.ts.
 */
import { mkdir, mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MachineOptions } from '../../harness/machine/machine.ts';
import { QemuMachine } from '../../harness/machine/qemu.ts';
import {
  checkSnapshotMeta,
  fileCrc32,
  findSnapshot,
  pruneSnapshots,
  restoreCommand,
  SNAPSHOT_FORMAT,
  snapshotEligibility,
  snapshotKey,
  snapshotPaths,
  snapshotsToPrune,
  touchSnapshot,
  type SnapshotKeyInput,
  type SnapshotMeta,
} from '../../harness/machine/snapshot.ts';

const base: SnapshotKeyInput = {
  backend: 'qemu',
  files: [
    { path: '/usr/bin/qemu-system-i386', size: 100, mtimeMs: 1, ino: 10 },
    { path: '/c/kernels/k/bzImage', size: 200, mtimeMs: 2, ino: 11 },
    { path: '/c/images/i/initramfs.cpio', size: 300, mtimeMs: 3, ino: 12 },
  ],
  args: ['-m', '128', '-append', 'console=ttyS0,115200'],
};

describe('snapshot key', () => {
  it('is stable for the same machine', () => {
    expect(snapshotKey(base)).toBe(snapshotKey(structuredClone(base)));
    expect(snapshotKey(base)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes with every file identity field, every argument and the backend', () => {
    const k = snapshotKey(base);
    for (const field of ['path', 'size', 'mtimeMs', 'ino'] as const) {
      for (let i = 0; i < base.files.length; i++) {
        const files = base.files.map((f, j) => (j === i ? { ...f, [field]: field === 'path' ? `${f.path}x` : f[field] + 1 } : f));
        expect(snapshotKey({ ...base, files }), `${field} of file ${i}`).not.toBe(k);
      }
    }
    expect(snapshotKey({ ...base, args: ['-m', '256', '-append', 'console=ttyS0,115200'] })).not.toBe(k);
    expect(snapshotKey({ ...base, args: [...base.args, 'x'] })).not.toBe(k);
    expect(snapshotKey({ ...base, backend: 'v86' })).not.toBe(k);
  });

  it('does not confuse argument boundaries', () => {
    expect(snapshotKey({ ...base, args: ['-m 128'] })).not.toBe(snapshotKey({ ...base, args: ['-m', '128'] }));
  });

  it('is made from the QEMU arguments of the machine, without where the state is saved or loaded', () => {
    const opts: MachineOptions = { arch: 'i386', kernelPath: '/k', initrdPath: '/i' };
    const plain = QemuMachine.args(opts, 'tcg');
    const run = QemuMachine.runArgs({ ...opts, restoreFrom: '/s/state', qmpSocketPath: '/tmp/q.sock' }, 'tcg');
    expect(run.slice(0, plain.length)).toEqual(plain);
    expect(run.slice(plain.length)).toEqual(['-qmp', 'unix:/tmp/q.sock,server=on,wait=off', '-incoming', 'fd:3']);
    expect(QemuMachine.args({ ...opts, restoreFrom: '/s/state', qmpSocketPath: '/tmp/q.sock' }, 'tcg')).toEqual(plain);
  });
});

describe('snapshot eligibility', () => {
  const q = { backend: 'qemu' as const, arch: 'i386' as const };
  it('is on by default for QEMU on the PC, and for v86', () => {
    expect(snapshotEligibility(q).use).toBe(true);
    expect(snapshotEligibility({ ...q, arch: 'x86_64' }).use).toBe(true);
    expect(snapshotEligibility({ ...q, backend: 'v86' }).use).toBe(true);
  });
  it('is off with VSLAB_SNAPSHOT=0, unless the caller asks for it', () => {
    expect(snapshotEligibility({ ...q, env: '0' })).toEqual({ use: false, reason: 'VSLAB_SNAPSHOT=0' });
    expect(snapshotEligibility({ ...q, env: '0', requested: true }).use).toBe(true);
    expect(snapshotEligibility({ ...q, env: '1', requested: false }).use).toBe(false);
  });
  it('never holds for a disk, -icount or an architecture not tried', () => {
    expect(snapshotEligibility({ ...q, diskPath: '/d.img' }).use).toBe(false);
    expect(snapshotEligibility({ ...q, backend: 'v86', diskPath: '/d.img' }).use).toBe(false);
    expect(snapshotEligibility({ ...q, icountShift: 3 }).use).toBe(false);
    expect(snapshotEligibility({ ...q, arch: 'arm' }).use).toBe(false);
    expect(snapshotEligibility({ ...q, diskPath: '/d.img', requested: true }).use).toBe(false);
  });
});

describe('stored snapshots', () => {
  const meta = (over: Partial<SnapshotMeta> = {}): SnapshotMeta => ({
    format: SNAPSHOT_FORMAT,
    key: 'k1',
    bytes: 5,
    crc32: 0x3610a686,
    machine: 'qemu-system-i386 tcg',
    savedAt: '2026-01-01T00:00:00.000Z',
    bootMs: 400,
    ...over,
  });

  it('checks the description against the key, the format and the state size', () => {
    expect(checkSnapshotMeta(meta(), 'k1', 5)).toBeUndefined();
    expect(checkSnapshotMeta(meta(), 'k2', 5)).toMatch(/key/);
    expect(checkSnapshotMeta(meta({ format: SNAPSHOT_FORMAT + 1 }), 'k1', 5)).toMatch(/format/);
    expect(checkSnapshotMeta(meta(), 'k1', 4)).toMatch(/bytes/);
    expect(checkSnapshotMeta(meta(), 'k1', undefined)).toMatch(/no state/);
    expect(checkSnapshotMeta({ ...meta(), crc32: undefined }, 'k1', 5)).toMatch(/checksum/);
    expect(checkSnapshotMeta(null, 'k1', 5)).toMatch(/no snapshot/);
  });

  it('finds a complete snapshot, and says why not otherwise (stale: to be replaced)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vslab-snap-'));
    expect(await findSnapshot('k1', root)).toEqual({ found: false, reason: 'no snapshot yet', stale: false });
    const p = snapshotPaths('k1', root);
    await mkdir(p.dir, { recursive: true });
    await writeFile(p.state, 'hello');
    await writeFile(p.meta, JSON.stringify(meta({ crc32: await fileCrc32(p.state) })));
    const ok = await findSnapshot('k1', root);
    expect(ok.found).toBe(true);
    await writeFile(p.state, 'hello, truncated or grown');
    expect(await findSnapshot('k1', root)).toMatchObject({ found: false, stale: true });
    await writeFile(p.meta, '{ not json');
    expect(await findSnapshot('k1', root)).toMatchObject({ found: false, stale: true });
  });

  it('takes the CRC-32 of a file (zlib crc32 of "hello")', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vslab-crc-'));
    await writeFile(join(dir, 'f'), 'hello');
    expect(await fileCrc32(join(dir, 'f'))).toBe(0x3610a686);
  });
});

describe('what the cache keeps', () => {
  const DAY = 24 * 3600 * 1000;
  const now = 100 * DAY;

  it('removes the snapshots unused for longer than the limit, and the least recently used beyond the count', () => {
    const used = [
      { key: 'a', lastUsedMs: now - 1 * DAY },
      { key: 'b', lastUsedMs: now - 8 * DAY },
      { key: 'c', lastUsedMs: now - 2 * DAY },
      { key: 'd', lastUsedMs: now - 3 * DAY },
    ];
    expect(snapshotsToPrune(used, now, { count: 64, unusedDays: 7 })).toEqual(['b']);
    expect(snapshotsToPrune(used, now, { count: 2, unusedDays: 7 }).sort()).toEqual(['b', 'd']);
    expect(snapshotsToPrune(used, now, { count: 64, unusedDays: 30 })).toEqual([]);
    expect(snapshotsToPrune([], now)).toEqual([]);
  });

  it("goes by the last save or restore (the description's time); leaves directories in the making alone", async () => {
    const root = await mkdtemp(join(tmpdir(), 'vslab-prune-'));
    const make = async (key: string, daysAgo: number): Promise<void> => {
      const p = snapshotPaths(key, root);
      await mkdir(p.dir, { recursive: true });
      await writeFile(p.meta, '{}');
      const t = new Date(now - daysAgo * DAY);
      await utimes(p.meta, t, t);
    };
    await make('0000000000000001', 10);
    await make('0000000000000002', 1);
    await make('0000000000000003', 9);
    await mkdir(snapshotPaths('0000000000000004', root, '.tmp-1-ab').dir, { recursive: true });
    // A restore of 3 just now keeps it.
    await touchSnapshot(snapshotPaths('0000000000000003', root), new Date(now));
    expect(await pruneSnapshots(root, now)).toEqual(['0000000000000001']);
    expect((await readdir(join(root, 'snapshots'))).sort()).toEqual(['0000000000000002', '0000000000000003', '0000000000000004.tmp-1-ab']);
  });
});

describe('the restored guest first command', () => {
  it('gives vsrestore 64 random bytes and the host time, different each time', () => {
    const a = restoreCommand(1_700_000_000_123);
    expect(a).toMatch(/^vsrestore [0-9a-f]{128} 1700000000 123000000$/);
    expect(restoreCommand(1_700_000_000_123)).not.toBe(a);
  });
});
