/**
 * Debian's linux-source-6.1: finds the installed tarball, reads its package version, and
 * unpacks it once into a pristine tree under the cache (never modified afterwards; the
 * vanilla kernel builds out of tree from it).
 */
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { PrerequisiteError } from '../errors.ts';
import { cacheRoot } from '../paths.ts';
import { runStep, type Progress } from './step.ts';

export const SOURCE_PACKAGE = 'linux-source-6.1';
const TARBALL = `/usr/src/${SOURCE_PACKAGE}.tar.xz`;

export interface KernelSource {
  /** Debian package version, e.g. 6.1.176-1. */
  debianVersion: string;
  /** Upstream version from the tree's Makefile, e.g. 6.1.176. */
  kernelVersion: string;
  /** Unpacked pristine tree. */
  dir: string;
}

export async function debianSourceVersion(): Promise<string> {
  const r = await execa('dpkg-query', ['-W', '-f', '${Version}', SOURCE_PACKAGE], { reject: false });
  if (r.failed || r.stdout.trim() === '') throw new PrerequisiteError(SOURCE_PACKAGE, 'Debian package not installed; run scripts/setup');
  try {
    await access(TARBALL);
  } catch (err) {
    throw new PrerequisiteError(TARBALL, `${SOURCE_PACKAGE} is installed but its tarball is missing; reinstall the package`, { cause: err });
  }
  return r.stdout.trim();
}

async function makefileVersion(dir: string): Promise<string> {
  const text = await readFile(join(dir, 'Makefile'), 'utf8');
  const field = (name: string): string => new RegExp(`^${name} = (\\S*)`, 'm').exec(text)?.[1] ?? '?';
  return `${field('VERSION')}.${field('PATCHLEVEL')}.${field('SUBLEVEL')}${field('EXTRAVERSION')}`;
}

export async function pristineSource(progress: Progress = () => undefined): Promise<KernelSource> {
  const debianVersion = await debianSourceVersion();
  const base = join(cacheRoot(), 'src', `${SOURCE_PACKAGE}_${debianVersion}`);
  const dir = join(base, SOURCE_PACKAGE);
  try {
    await access(join(base, '.complete'));
  } catch {
    progress(`unpacking ${TARBALL} (${debianVersion}) into the cache`);
    const tmp = `${base}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    await runStep('unpack kernel source', 'tar', ['-xf', TARBALL, '-C', tmp], { logPath: join(cacheRoot(), 'logs', 'unpack.log') });
    await rm(base, { recursive: true, force: true });
    await mkdir(join(cacheRoot(), 'src'), { recursive: true });
    await rename(tmp, base);
    await execa('touch', [join(base, '.complete')]);
  }
  return { debianVersion, kernelVersion: await makefileVersion(dir), dir };
}
