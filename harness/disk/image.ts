/**
 * ext2 disk images for the guests, made on the host by mke2fs -d from a staging directory (no
 * loop mount, no root). An image is cached under $VSLAB_CACHE/disks keyed by everything that
 * went into it (its files, size, label, the mke2fs arguments and version); a guest never writes to
 * the cached image but to a working copy, which keeps the guest's writes after the emulator has
 * ended (QEMU writes through to the file; v86 works on a buffer saved back when it stops).
 */
import { copyFile, cp, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { pathExists, versionLine } from '../host.ts';
import { hashTree, newHash, shortDigest } from '../build/hash.ts';
import { runStep } from '../build/step.ts';
import { UsageError } from '../errors.ts';
import { cacheRoot } from '../paths.ts';
import { findE2fsTool, mke2fsArgs } from './e2fs.ts';

export interface Ext2ImageSpec {
  /** Image size in MiB (default 16). */
  sizeMiB?: number;
  /** Files to put in, by relative '/'-separated path; parent directories are made. */
  files?: Readonly<Record<string, string | Uint8Array>>;
  /** A host directory whose tree is put in (before `files`). */
  fromDir?: string;
  /** Volume label. */
  label?: string;
}

export const DEFAULT_DISK_MIB = 16;
/** Bumped when the way images are made changes in a way the key does not see. */
const RECIPE = 'ext2-image-v1';

export function disksDir(): string {
  return join(cacheRoot(), 'disks');
}

/** A relative path inside the image: no absolute paths, no `..`, no empty name. */
export function checkImagePath(p: string): string {
  const norm = posix.normalize(p);
  if (p === '' || posix.isAbsolute(p) || norm === '.' || norm.startsWith('../') || norm === '..') {
    throw new UsageError(`disk image file path must be relative and stay inside the image: "${p}"`);
  }
  return norm;
}

/** The cache key of an image: its inputs and the mke2fs that makes it. */
export async function ext2ImageKey(spec: Ext2ImageSpec, mke2fsVersion: string): Promise<string> {
  const h = newHash();
  const sizeMiB = spec.sizeMiB ?? DEFAULT_DISK_MIB;
  h.update(`${RECIPE}\0${mke2fsVersion}\0${mke2fsArgs({ image: 'IMG', stagingDir: 'DIR', sizeMiB, label: spec.label }).join(' ')}\0`);
  if (spec.fromDir !== undefined) {
    h.update('tree\0');
    await hashTree(h, spec.fromDir);
  }
  for (const name of Object.keys(spec.files ?? {}).sort()) {
    const content = spec.files?.[name] ?? '';
    h.update(`file\0${checkImagePath(name)}\0${content.length}\0`);
    h.update(content);
    h.update('\0');
  }
  return shortDigest(h);
}

async function stage(spec: Ext2ImageSpec, dir: string): Promise<void> {
  if (spec.fromDir !== undefined) {
    await cp(spec.fromDir, dir, { recursive: true, preserveTimestamps: true });
  }
  for (const [name, content] of Object.entries(spec.files ?? {})) {
    const p = join(dir, checkImagePath(name));
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, content);
  }
}

/**
 * The cached image for `spec`, built if needed. Concurrent builders each make their own and the
 * last rename wins; the images are equivalent.
 */
export async function buildExt2Image(spec: Ext2ImageSpec = {}): Promise<string> {
  const mke2fs = await findE2fsTool('mke2fs');
  const version = (await versionLine(mke2fs, ['-V'])) ?? 'unknown';
  const key = await ext2ImageKey(spec, version);
  const image = join(disksDir(), `ext2-${key}.img`);
  if (await pathExists(image)) return image;
  await mkdir(disksDir(), { recursive: true });
  const work = await mkdtemp(join(disksDir(), `build-${key}-`));
  try {
    const staging = join(work, 'root');
    await mkdir(staging);
    await stage(spec, staging);
    const tmpImage = join(work, 'disk.img');
    const args = mke2fsArgs({ image: tmpImage, stagingDir: staging, sizeMiB: spec.sizeMiB ?? DEFAULT_DISK_MIB, label: spec.label });
    await runStep('mke2fs (ext2 disk image)', mke2fs, args, { logPath: join(cacheRoot(), 'logs', `disk-${key}.log`), env: { LC_ALL: 'C' } });
    await rename(tmpImage, image);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return image;
}

let copies = 0;

/** A fresh writable copy of `image` for one guest (under $VSLAB_CACHE/disks/run unless `dir`). */
export async function workingCopy(image: string, dir: string = join(disksDir(), 'run')): Promise<string> {
  await mkdir(dir, { recursive: true });
  copies += 1;
  const base = basename(image, '.img');
  const copy = join(dir, `${base}-${process.pid}-${copies}.img`);
  await copyFile(image, copy);
  return copy;
}

/** Checks that `path` can be attached as a raw disk: a regular file, whole 512-byte sectors. */
export async function checkDiskFile(path: string): Promise<void> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    throw new UsageError(`disk image ${path} does not exist`, { cause: err });
  }
  if (!st.isFile()) throw new UsageError(`disk image ${path} is not a regular file`);
  if (st.size === 0 || st.size % 512 !== 0) throw new UsageError(`disk image ${path} must be a whole number of 512-byte sectors (${st.size} bytes)`);
}
