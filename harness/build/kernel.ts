/**
 * Builds a kernel for one (arch, variant): prepares the source (pristine for vanilla, the
 * patched work tree otherwise), configures it from the fragments in an out-of-tree build
 * directory that is kept between builds (so a one-file change rebuilds incrementally), runs
 * make with all cores, and stores the image with a manifest under a key that hashes every
 * input. An artifact whose key exists is reused without running make.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { BuildError, PrerequisiteError, UsageError } from '../errors.ts';
import { compilerVersion, pathExists, which } from '../host.ts';
import { archInfo, setupHint, type Arch } from '../machine/arch.ts';
import { cacheRoot } from '../paths.ts';
import { debianSourceVersion, pristineSource } from './debian-source.ts';
import { newHash, shortDigest } from './hash.ts';
import { configMismatches, isPatched, readFragments, VARIANT_ARCHES, type Variant } from './kernel-config.ts';
import { assemblePatchedTree, readPatchSet } from './patch-tree.ts';
import { withLock } from './lock.ts';
import { runStep, type Progress } from './step.ts';
import { BUILD_STEP, estimate, nextStepRecord, previousSteps, progressLine, writeStepRecord } from './build-estimate.ts';

/** Bump when the build recipe itself changes in a way that affects the output. */
const RECIPE = 'kernel-recipe-1';

export interface KernelArtifact {
  arch: Arch;
  variant: Variant;
  /** Kernel image path (bzImage on x86, zImage on arm). */
  image: string;
  /** The .config used. */
  config: string;
  manifest: KernelManifest;
}

export interface KernelManifest {
  arch: Arch;
  variant: Variant;
  key: string;
  debianPackage: string;
  debianVersion: string;
  kernelVersion: string;
  patchHash: string | null;
  compiler: string;
  buildSeconds: number;
  builtAt: string;
  /** sha256 of the image as built; a cached image that no longer matches is built again. */
  imageSha256?: string;
}

export interface BuildKernelOptions {
  arch: Arch;
  variant: Variant;
  progress?: Progress;
  /** Rebuild even when a cached artifact exists. */
  force?: boolean;
}

/** The compiler the kernel is built with: the host's gcc, or the architecture's cross gcc. */
const kernelCc = (arch: Arch): string => `${archInfo(arch).crossPrefix}gcc`;
/** The image's file name in the cache (bzImage, zImage). */
const imageName = (arch: Arch): string => basename(archInfo(arch).kernelImage);

export async function kernelKey(arch: Arch, variant: Variant): Promise<{ key: string; patchHash: string | null; compiler: string; debianVersion: string }> {
  const [src, compilerLine, patchHash, fragments] = await Promise.all([
    debianSourceVersion(),
    compilerVersion(kernelCc(arch)),
    isPatched(variant) ? readPatchSet().then((set) => set.hash) : null,
    readFragments(arch, variant),
  ]);
  const compiler = compilerLine ?? `unknown ${kernelCc(arch)}`;
  const h = newHash();
  h.update([RECIPE, src, arch, variant, compiler, patchHash ?? 'no-patch', fragments].join('\0'));
  return { key: `${arch}-${variant}-${shortDigest(h)}`, patchHash, compiler, debianVersion: src };
}

export async function cachedKernel(arch: Arch, variant: Variant): Promise<KernelArtifact | undefined> {
  const { key } = await kernelKey(arch, variant);
  const dir = join(cacheRoot(), 'kernels', key);
  if (!(await pathExists(join(dir, 'manifest.json')))) return undefined;
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as KernelManifest;
  const image = join(dir, imageName(arch));
  // A damaged image (a full disk, a crash while copying, a stray write) is a miss, not a boot of garbage.
  if (manifest.imageSha256 !== undefined && (await fileSha256(image)) !== manifest.imageSha256) return undefined;
  return { arch, variant, image, config: join(dir, 'config'), manifest };
}

/** sha256 of a file in hex, or undefined when it cannot be read. */
async function fileSha256(path: string): Promise<string | undefined> {
  try {
    return createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  } catch {
    return undefined;
  }
}

/** Throws PrerequisiteError when the architecture's kernel compiler is not installed. */
export async function requireKernelCc(arch: Arch): Promise<void> {
  if ((await which(kernelCc(arch))) === undefined)
    throw new PrerequisiteError(kernelCc(arch), `Debian package ${archInfo(arch).kernelCcPackage}; ${setupHint(arch)}`);
}

/** A make step in `tree` with its objects in `buildDir`, for `arch`, logged to `logPath`. */
export type KernelMake = (step: string, targets: string[], extraEnv?: Record<string, string>, onLine?: (l: string) => void) => Promise<string>;

export function kernelMake(arch: Arch, tree: string, buildDir: string, logPath: string): KernelMake {
  const cross = archInfo(arch).crossPrefix === '' ? [] : [`CROSS_COMPILE=${archInfo(arch).crossPrefix}`];
  return (step, targets, extraEnv = {}, onLine) =>
    runStep(step, 'make', ['-C', tree, `O=${buildDir}`, `ARCH=${archInfo(arch).kernelArch}`, ...cross, ...targets], {
      logPath,
      env: { KBUILD_BUILD_USER: 'vslab', KBUILD_BUILD_HOST: 'vslab', KBUILD_BUILD_TIMESTAMP: 'vslab', ...extraEnv },
      onLine,
    });
}

export async function buildKernel(opts: BuildKernelOptions): Promise<KernelArtifact> {
  const progress = opts.progress ?? (() => undefined);
  const arches = VARIANT_ARCHES[opts.variant];
  if (arches !== undefined && !arches.includes(opts.arch)) {
    throw new UsageError(`variant ${opts.variant} is built for ${arches.join(', ')} only, not ${opts.arch}`);
  }
  if (opts.force !== true) {
    const hit = await cachedKernel(opts.arch, opts.variant);
    if (hit !== undefined) return hit;
  }
  // One builder at a time per cache: variants share the patched work tree.
  return withLock(
    join(cacheRoot(), 'locks', 'kernel-build.lock'),
    (owner) => progress(`waiting for another build (pid ${owner})`),
    async () => {
      if (opts.force !== true) {
        const hit = await cachedKernel(opts.arch, opts.variant);
        if (hit !== undefined) return hit;
      }
      return buildKernelLocked(opts, progress);
    },
  );
}

async function buildKernelLocked(opts: BuildKernelOptions, progress: Progress): Promise<KernelArtifact> {
  const { arch, variant } = opts;
  const started = Date.now();
  const { key, patchHash, compiler } = await kernelKey(arch, variant);
  const src = await pristineSource(progress);
  const tree = isPatched(variant) ? await assemblePatchedTree(src, progress) : src.dir;
  const buildDir = join(cacheRoot(), 'build', `${src.debianVersion}`, `${arch}-${variant}`);
  const logPath = join(cacheRoot(), 'logs', `kernel-${arch}-${variant}.log`);
  await mkdir(buildDir, { recursive: true });
  await rm(logPath, { force: true });
  await requireKernelCc(arch);
  const fragments = await readFragments(arch, variant);
  const fragmentPath = join(buildDir, 'vslab-fragments.config');
  await writeFile(fragmentPath, fragments);
  const make = kernelMake(arch, tree, buildDir, logPath);
  progress(`${arch}/${variant}: configuring (allnoconfig + ${fragments.match(/^# --- /gm)?.length ?? 0} fragments)`);
  await make('configure (allnoconfig)', ['allnoconfig'], { KCONFIG_ALLCONFIG: fragmentPath });
  const bad = configMismatches(fragments, await readFile(join(buildDir, '.config'), 'utf8'));
  if (bad.length > 0) {
    throw new BuildError(`configure: ${bad.length} fragment option(s) did not take effect`, logPath, bad.join('\n'));
  }
  let objects = 0;
  let lastShown = 0;
  const previous = await previousSteps(arch, variant);
  const compileStarted = Date.now();
  await make('compile', [`-j${availableParallelism()}`, archInfo(arch).kernelTarget], {}, (line) => {
    const m = BUILD_STEP.exec(line);
    if (m === null) return;
    objects++;
    const now = Date.now();
    if (now - lastShown > 2000) {
      lastShown = now;
      const e = estimate(objects, (now - compileStarted) / 1000, previous);
      progress(progressLine(`${arch}/${variant}`, objects, e, previous, `${m[1] ?? ''} ${m[2] ?? ''}`));
    }
  });
  const compiled = { steps: objects, seconds: Math.round((Date.now() - compileStarted) / 1000) };
  const kernelVersion = (await make('kernelversion', ['-s', 'kernelrelease'])).trim().split('\n').pop() ?? src.kernelVersion;
  const outDir = join(cacheRoot(), 'kernels', key);
  const tmp = `${outDir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await copyFile(join(buildDir, archInfo(arch).kernelImage), join(tmp, imageName(arch)));
  await copyFile(join(buildDir, '.config'), join(tmp, 'config'));
  const manifest: KernelManifest = {
    arch,
    variant,
    key,
    debianPackage: 'linux-source-6.1',
    debianVersion: src.debianVersion,
    kernelVersion,
    patchHash,
    compiler,
    buildSeconds: Math.round((Date.now() - started) / 1000),
    builtAt: new Date().toISOString(),
    imageSha256: await fileSha256(join(tmp, imageName(arch))),
  };
  await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await copyFile(logPath, join(tmp, 'build.log'));
  await rm(outDir, { recursive: true, force: true });
  await rename(tmp, outDir);
  if (compiled.steps > 0) await writeStepRecord(arch, variant, nextStepRecord(previous, compiled)).catch(() => undefined);
  progress(`${arch}/${variant}: built ${kernelVersion} in ${manifest.buildSeconds} s`);
  return { arch, variant, image: join(outDir, imageName(arch)), config: join(outDir, 'config'), manifest };
}
