/**
 * Debian's busybox-static for the guest architecture, fetched without touching the host's dpkg
 * (no foreign architecture is added): a private apt configuration (own lists, cache and an empty
 * status file, the host's sources) downloads the .deb, and dpkg-deb -x unpacks it in the cache.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { pathExists } from '../host.ts';
import { join } from 'node:path';
import { archInfo, type Arch } from '../machine/arch.ts';
import { cacheRoot } from '../paths.ts';
import { runStep, type Progress } from './step.ts';
import { BuildError, PrerequisiteError } from '../errors.ts';

export function debianArch(arch: Arch): string {
  return archInfo(arch).debian;
}

export interface Busybox {
  /** Path of the static busybox binary. */
  binary: string;
  /** The .deb file name (carries the version; part of the image's cache key). */
  deb: string;
}

/** apt-get options for the private configuration rooted at `root` (lists, cache, empty status). */
export function aptOptions(root: string, darch: string): string[] {
  return [
    '-o',
    `APT::Architecture=${darch}`,
    '-o',
    `APT::Architectures::=${darch}`,
    '-o',
    `Dir::State=${join(root, 'state')}`,
    '-o',
    `Dir::State::status=${join(root, 'state', 'status')}`,
    '-o',
    `Dir::Cache=${join(root, 'cache')}`,
    '-o',
    'Debug::NoLocking=1',
    '-o',
    'APT::Sandbox::User=root',
    '-o',
    'Acquire::Languages=none',
    '-o',
    'Acquire::Retries=3',
  ];
}

/** Returns the unpacked busybox, downloading it only when the cache lacks it. */
export async function fetchBusybox(arch: Arch, progress: Progress = () => undefined): Promise<Busybox> {
  const darch = debianArch(arch);
  const root = join(cacheRoot(), 'apt', darch);
  const debs = join(root, 'debs');
  const found = async (): Promise<Busybox | undefined> => {
    const names = (await readdir(debs).catch(() => [] as string[])).filter((n) => n.startsWith('busybox-static_') && n.endsWith('.deb')).sort();
    const deb = names.pop();
    if (deb === undefined) return undefined;
    const dir = join(root, 'unpacked', deb.replace(/\.deb$/, ''));
    const binary = join(dir, 'bin', 'busybox');
    if (!(await pathExists(binary))) {
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      await runStep('unpack busybox-static', 'dpkg-deb', ['-x', join(debs, deb), dir], { logPath: join(cacheRoot(), 'logs', 'busybox.log') });
    }
    return { binary, deb };
  };
  const have = await found();
  if (have !== undefined) return have;
  progress(`fetching busybox-static:${darch} with a private apt configuration`);
  await mkdir(debs, { recursive: true });
  const logPath = join(cacheRoot(), 'logs', 'busybox.log');
  await privateAptUpdate(arch, logPath, progress);
  await runStep(`apt-get download busybox-static:${darch}`, 'apt-get', [...aptOptions(root, darch), 'download', `busybox-static:${darch}`], {
    logPath,
    cwd: debs,
  });
  const got = await found();
  if (got === undefined) throw new PrerequisiteError(`busybox-static:${darch}`, 'apt-get download produced no .deb; see ' + logPath);
  return got;
}

/** The private apt configuration's root for a Debian architecture (under the cache). */
export function privateAptRoot(arch: Arch): string {
  return join(cacheRoot(), 'apt', debianArch(arch));
}

/**
 * Makes the private apt configuration's directories and runs its `apt-get update`. One index
 * failing (a mirror mid-sync, say) need not matter: the packages may well be in the indexes that
 * did arrive, so the download that follows decides, and its error names the package.
 */
export async function privateAptUpdate(arch: Arch, logPath: string, progress: Progress = () => undefined): Promise<void> {
  const root = privateAptRoot(arch);
  const darch = debianArch(arch);
  await mkdir(join(root, 'state', 'lists', 'partial'), { recursive: true });
  await mkdir(join(root, 'cache', 'archives', 'partial'), { recursive: true });
  if (!(await pathExists(join(root, 'state', 'status')))) await writeFile(join(root, 'state', 'status'), '');
  try {
    await runStep(`apt-get update (${darch}, private)`, 'apt-get', [...aptOptions(root, darch), 'update'], { logPath });
  } catch (err) {
    progress(`apt-get update reported errors (see ${logPath}); trying the download anyway`);
    if (!(err instanceof BuildError)) throw err;
  }
}
