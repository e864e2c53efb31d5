/**
 * Guest snapshots: the state of a freshly booted guest, saved when its console agent reports
 * ready, restored instead of a boot the next time the same machine is asked for.
 *
 * A snapshot is keyed like the build cache: the key hashes everything the state depends on, the
 * emulator binary (path, size, modification time), its whole argument vector (kernel, initrd,
 * command line, memory, accelerator, board) and the identity of the kernel and initrd files
 * (path, size, modification time, inode: a rebuilt file is a new file). A snapshot whose key,
 * format, size or CRC-32 does not match is not used, and any failure of a restore (the emulator
 * refusing the state, no answer, a splat) falls back to a clean boot that replaces it; the
 * reason is reported through the boot's progress. A wrong guest is never handed out: what is
 * restored is the exact machine the key names, checked byte for byte against its CRC.
 *
 * Both backends: QEMU saves through a migration (QMP) and loads with -incoming; v86 saves with
 * save_state() and starts from the state as its initial state.
 *
 * Layout: <cache>/snapshots/<key>/{state,meta.json,boot.log}: the emulator's saved state, its
 * description, and the console log of the boot it was taken from (copied to the head of each
 * restored guest's console log, for post-mortems). The directory is written under a private name
 * and renamed into place whole. Before a state is saved the guest zeroes its free memory
 * (ZERO_FREE_MEMORY_COMMAND), which the emulators leave out of the state. The cache keeps the
 * snapshots SNAPSHOT_KEEP names (the most recently saved or restored, none unused for long);
 * pruneSnapshots() removes the rest after each save.
 *
 * What a restored guest must not share with another restore of the same snapshot is given to
 * it after the restore (the guest tool vsrestore): fresh random bytes from the host, mixed into
 * the kernel's pool and reseeded at once, and the host's wall-clock time. See DESIGN.md.
 */
import { open, readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { newHash, shortDigest } from '../build/hash.ts';
import { cacheRoot } from '../paths.ts';
import type { Arch, BackendName } from './machine.ts';

/** Bumped when the layout or the restore procedure changes: older snapshots are then unused. */
export const SNAPSHOT_FORMAT = 2;

/** Identity of a file as the key sees it: a rebuild (new inode or time or size) changes it. */
export interface FileIdentity {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

export interface SnapshotKeyInput {
  backend: BackendName;
  /** The emulator (QEMU's binary), and the files the machine is made from (kernel, initrd). */
  files: FileIdentity[];
  /** The emulator's argument vector without the parts that only say where to save or load. */
  args: string[];
}

/** The snapshot key: a digest of everything the saved state depends on. */
export function snapshotKey(input: SnapshotKeyInput): string {
  const h = newHash();
  h.update(`vslab-snapshot\0${SNAPSHOT_FORMAT}\0${input.backend}\0`);
  for (const f of input.files) h.update(`${f.path}\0${f.size}\0${f.mtimeMs}\0${f.ino}\0`);
  h.update('\0');
  for (const a of input.args) h.update(`${a}\0`);
  return shortDigest(h);
}

export async function fileIdentity(path: string): Promise<FileIdentity> {
  const st = await stat(path);
  return { path: resolve(path), size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
}

export interface SnapshotMeta {
  format: number;
  key: string;
  /** Size and CRC-32 of the state file. */
  bytes: number;
  crc32: number;
  /** What was snapshotted, for people ("qemu-system-i386 tcg"), and when (ISO time). */
  machine: string;
  savedAt: string;
  /** How long the boot took that the snapshot was taken from, ms. */
  bootMs: number;
}

export interface SnapshotPaths {
  dir: string;
  state: string;
  meta: string;
  bootLog: string;
}

/** Where snapshot `key` lives under `root`; `suffix` names a private directory beside it (a save in progress). */
export function snapshotPaths(key: string, root: string = cacheRoot(), suffix = ''): SnapshotPaths {
  const dir = join(root, 'snapshots', `${key}${suffix}`);
  return { dir, state: join(dir, 'state'), meta: join(dir, 'meta.json'), bootLog: join(dir, 'boot.log') };
}

export interface EligibilityInput {
  backend: BackendName;
  arch: Arch;
  /** The caller's wish (BootOptions.snapshot); undefined = the default. */
  requested?: boolean;
  /** VSLAB_SNAPSHOT from the environment: "0" turns the default off, "1" on. */
  env?: string;
  diskPath?: string;
  icountShift?: number;
}

/** The architectures whose restores have been tried here (the PC; arm's "virt" board has not). */
export const SNAPSHOT_ARCHES: readonly Arch[] = ['i386', 'x86_64'];

/**
 * Whether a boot may use (and make) a snapshot, and if not why. Default: on for QEMU and v86,
 * unless VSLAB_SNAPSHOT=0; an explicit `snapshot: true|false` wins over the environment. Never
 * with a disk (its content lives outside the state and changes), under -icount (a run that wants
 * repeatable guest time boots) or on an architecture not tried.
 */
export function snapshotEligibility(e: EligibilityInput): { use: true } | { use: false; reason: string } {
  const wanted = e.requested ?? e.env !== '0';
  if (!wanted) return { use: false, reason: e.requested === false ? 'a real boot was asked for' : 'VSLAB_SNAPSHOT=0' };
  if (!SNAPSHOT_ARCHES.includes(e.arch)) return { use: false, reason: `snapshots not tried on ${e.arch}` };
  if (e.diskPath !== undefined) return { use: false, reason: 'a guest with a disk boots (the disk is not in the state)' };
  if (e.icountShift !== undefined) return { use: false, reason: 'an -icount guest boots (repeatable guest time)' };
  return { use: true };
}

/** Why a stored snapshot cannot be used, or undefined if it can (pure: unit-tested). */
export function checkSnapshotMeta(meta: unknown, key: string, stateBytes: number | undefined): string | undefined {
  if (typeof meta !== 'object' || meta === null) return 'no snapshot description';
  const m = meta as Partial<SnapshotMeta>;
  if (m.format !== SNAPSHOT_FORMAT) return `snapshot format ${String(m.format)}, want ${SNAPSHOT_FORMAT}`;
  if (m.key !== key) return `snapshot key ${String(m.key)} does not match ${key}`;
  if (stateBytes === undefined) return 'no state file';
  if (typeof m.bytes !== 'number' || m.bytes !== stateBytes) return `state file has ${stateBytes} bytes, the description says ${String(m.bytes)}`;
  if (typeof m.crc32 !== 'number') return 'no checksum in the description';
  return undefined;
}

export type SnapshotLookup = { found: true; paths: SnapshotPaths; meta: SnapshotMeta } | { found: false; reason: string; stale: boolean };

/**
 * The snapshot for `key` if its description matches the key and the state file's size; the
 * state's CRC-32 (meta.crc32) is checked by the restore, alongside the emulator's loading
 * (fileCrc32), as reading 20 MiB costs more than the rest of the lookup. `stale` says there is
 * something on disk that is not usable (to be replaced).
 */
export async function findSnapshot(key: string, root?: string): Promise<SnapshotLookup> {
  const paths = snapshotPaths(key, root);
  let meta: unknown;
  try {
    meta = JSON.parse(await readFile(paths.meta, 'utf8'));
  } catch {
    // A directory without a readable description is debris (a save cannot leave one: it renames a whole directory).
    const debris = await stat(paths.dir).then(
      () => true,
      () => false,
    );
    return debris
      ? { found: false, reason: 'snapshot without a readable description', stale: true }
      : { found: false, reason: 'no snapshot yet', stale: false };
  }
  const bytes = await stat(paths.state).then(
    (s) => s.size,
    () => undefined,
  );
  const bad = checkSnapshotMeta(meta, key, bytes);
  if (bad !== undefined) return { found: false, reason: bad, stale: true };
  return { found: true, paths, meta: meta as SnapshotMeta };
}

export async function removeSnapshot(key: string, root?: string): Promise<void> {
  await rm(snapshotPaths(key, root).dir, { recursive: true, force: true });
}

/**
 * What the cache keeps: at most `count` snapshots, none left unused for more than `unusedDays`
 * (every kernel, image or option change makes new keys, and the old snapshots, 17 MB each, would
 * otherwise stay for good). Used means saved or restored.
 */
export const SNAPSHOT_KEEP: Readonly<SnapshotKeep> = { count: 64, unusedDays: 7 };

export interface SnapshotKeep {
  count: number;
  unusedDays: number;
}

/** Marks a snapshot as used now (its description's time is its last use). */
export async function touchSnapshot(paths: SnapshotPaths, now: Date = new Date()): Promise<void> {
  await utimes(paths.meta, now, now);
}

/**
 * The keys to remove so that what stays keeps to `keep` (pure): the ones unused for too long,
 * then the least recently used beyond the count.
 */
export function snapshotsToPrune(used: ReadonlyArray<{ key: string; lastUsedMs: number }>, nowMs: number, keep: SnapshotKeep = SNAPSHOT_KEEP): string[] {
  const maxAge = keep.unusedDays * 24 * 3600 * 1000;
  const newestFirst = [...used].sort((a, b) => b.lastUsedMs - a.lastUsedMs);
  return newestFirst.filter((s, i) => i >= keep.count || nowMs - s.lastUsedMs > maxAge).map((s) => s.key);
}

/**
 * Removes the snapshots snapshotsToPrune() names; returns their keys. Directories being written
 * (a private name with a suffix) and those without a description are not counted or touched.
 */
export async function pruneSnapshots(root: string = cacheRoot(), nowMs: number = Date.now(), keep: SnapshotKeep = SNAPSHOT_KEEP): Promise<string[]> {
  const names = await readdir(join(root, 'snapshots')).catch(() => [] as string[]);
  const used = (
    await Promise.all(
      names
        .filter((n) => /^[0-9a-f]{16}$/.test(n))
        .map(async (key) => {
          const st = await stat(snapshotPaths(key, root).meta).catch(() => undefined);
          return st === undefined ? undefined : { key, lastUsedMs: st.mtimeMs };
        }),
    )
  ).filter((u) => u !== undefined);
  const gone = snapshotsToPrune(used, nowMs, keep);
  for (const key of gone) await removeSnapshot(key, root);
  return gone;
}

/** CRC-32 of a file (streamed). */
export async function fileCrc32(path: string): Promise<number> {
  const fh = await open(path, 'r');
  try {
    let crc = 0;
    for await (const chunk of fh.createReadStream({ highWaterMark: 1 << 20 })) crc = crc32(chunk as Buffer, crc);
    return crc;
  } finally {
    await fh.close();
  }
}

/**
 * What a guest runs just before its state is saved: one process takes the kernel's free memory,
 * reads zeroes into it (dd from /dev/zero) and gives it back. Both emulators leave pages that are
 * all zero out of a saved state, and a freshly booted guest's free pages still hold what the boot
 * left there (the initramfs' archive above all): QEMU's state shrinks from 22 to 16 MB. A margin
 * of three times the kernel's reserve (min_free_kbytes), at least 4 MiB, stays free, so nothing is
 * reclaimed. The guest's programs see no difference: free memory is free.
 */
export const ZERO_FREE_MEMORY_COMMAND =
  'set -- $(grep MemFree /proc/meminfo); m=$(($(cat /proc/sys/vm/min_free_kbytes) * 3)); [ "$m" -ge 4096 ] || m=4096; ' +
  'if [ "$2" -gt $((m + 1024)) ]; then dd if=/dev/zero of=/dev/null bs=$(($2 - m))k count=1 2>/dev/null; fi';

/**
 * The command a restored guest runs first (guest tool vsrestore): 64 fresh random bytes and
 * the host's time now.
 */
export function restoreCommand(now: number = Date.now(), seed: Buffer = randomBytes(64)): string {
  const sec = Math.floor(now / 1000);
  const nsec = Math.round((now - sec * 1000) * 1e6);
  return `vsrestore ${seed.toString('hex')} ${sec} ${nsec}`;
}
