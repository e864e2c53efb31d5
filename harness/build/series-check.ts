/**
 * Builds every prefix of the kernel patch series, in order, in a work tree and build directory
 * of their own, so that `git bisect` through the series (or a reviewer applying it patch by
 * patch) never lands on a tree that does not compile. The tree moves from one prefix to the next
 * by rewriting only the files that change, so make rebuilds only what they touch: a patch that
 * edits a header included everywhere costs a near-full build, most cost seconds.
 *
 * A prefix is configured like the variant's kernel (allnoconfig + its fragments); options a
 * prefix does not define yet are left out by Kconfig, and only the whole series is held to every
 * fragment option taking effect. A prefix passes when it builds without a compiler or linker
 * warning (make compiles only what the prefix changed, so a warning is that patch's) and, with
 * `boot`, boots to a shell.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { BuildError, UsageError } from '../errors.ts';
import { archInfo, type Arch } from '../machine/arch.ts';
import { cacheRoot } from '../paths.ts';
import { pristineSource } from './debian-source.ts';
import { configMismatches, isPatched, readFragments, type Variant } from './kernel-config.ts';
import { kernelMake, requireKernelCc } from './kernel.ts';
import { withLock } from './lock.ts';
import { assembleSeriesPrefix, readPatchSet, seriesPrefix } from './patch-tree.ts';
import type { Progress } from './step.ts';

export interface SeriesCheckOptions {
  arch: Arch;
  variant: Variant;
  /** First and last prefix length to build (1-based, inclusive); default the whole series. */
  from?: number;
  to?: number;
  /** Boots each prefix that builds (given its image and .config); throws when the boot fails. */
  boot?: (image: string, config: string) => Promise<void>;
  progress?: Progress;
  /** Called as each prefix is done. */
  onResult?: (r: PrefixResult) => void;
}

export interface PrefixResult {
  /** The prefix's length: patches 1..count of `total`. */
  count: number;
  total: number;
  /** Its last patch. */
  patch: string;
  built: boolean;
  /** The compiler's or linker's first complaints, when the build failed. */
  errors: string[];
  /** The compiler's or linker's warnings: a prefix that adds one fails the check too. */
  warnings: string[];
  /** Whether the prefix booted to a shell (undefined: not tried). */
  booted?: boolean;
  /** Why the boot failed: the error's first line. */
  bootError?: string;
  seconds: number;
}

/**
 * The compiler's and linker's warnings in a build's output (Kconfig's notes on the fragments,
 * "override: reassigning", are the configuration's, not the code's, and left out).
 */
export function buildWarnings(log: string, most = 8): string[] {
  const out: string[] = [];
  for (const line of log.split('\n')) {
    if (!/\bwarning:/.test(line) || /vslab-fragments\.config|\.config:\d+:warning/.test(line)) continue;
    const l = line.trim();
    if (!out.includes(l)) out.push(l);
    if (out.length >= most) break;
  }
  return out;
}

/** The error lines of a failed kernel build's output: the compiler's, the linker's, Kconfig's. */
export function buildErrors(log: string, most = 8): string[] {
  const out: string[] = [];
  for (const line of log.split('\n')) {
    if (/\berror\b|undefined reference|multiple definition|\*\*\* |undeclared/i.test(line) && !/^\s*(CC|LD|AR)\s/.test(line)) {
      const l = line.trim();
      if (!out.includes(l)) out.push(l);
      if (out.length >= most) break;
    }
  }
  return out;
}

export async function checkSeries(opts: SeriesCheckOptions): Promise<PrefixResult[]> {
  const { arch, variant } = opts;
  const progress = opts.progress ?? (() => undefined);
  if (!isPatched(variant)) throw new UsageError(`variant ${variant} has no patch series to check`);
  await requireKernelCc(arch);
  const full = await readPatchSet();
  const n = full.series.length;
  const from = opts.from ?? 1;
  const to = opts.to ?? n;
  if (from < 1 || to > n || from > to) throw new UsageError(`the series has ${n} patches: --from and --to must satisfy 1 <= from <= to <= ${n}`);
  const src = await pristineSource(progress);
  const buildDir = join(cacheRoot(), 'build', src.debianVersion, `series-${arch}-${variant}`);
  const logDir = join(cacheRoot(), 'logs', 'series');
  await mkdir(buildDir, { recursive: true });
  await mkdir(logDir, { recursive: true });
  const fragments = await readFragments(arch, variant);
  const fragmentPath = join(buildDir, 'vslab-fragments.config');
  await writeFile(fragmentPath, fragments);
  const results: PrefixResult[] = [];
  // The series tree and its build directory are one per cache: one checker at a time.
  return withLock(
    join(cacheRoot(), 'locks', 'series-check.lock'),
    (owner) => progress(`waiting for another series check (pid ${owner})`),
    async () => {
      for (let count = from; count <= to; count++) {
        const started = Date.now();
        const patch = full.series[count - 1] ?? '';
        const logPath = join(logDir, `${arch}-${variant}-${String(count).padStart(4, '0')}.log`);
        await rm(logPath, { force: true });
        progress(`${count}/${n} ${patch}: building`);
        const tree = await assembleSeriesPrefix(src, seriesPrefix(full, count));
        const make = kernelMake(arch, tree, buildDir, logPath);
        const result: PrefixResult = { count, total: n, patch, built: false, errors: [], warnings: [], seconds: 0 };
        try {
          await make('configure (allnoconfig)', ['allnoconfig'], { KCONFIG_ALLCONFIG: fragmentPath });
          if (count === n) {
            const bad = configMismatches(fragments, await readFile(join(buildDir, '.config'), 'utf8'));
            if (bad.length > 0) throw new BuildError(`configure: ${bad.length} fragment option(s) did not take effect`, logPath, bad.join('\n'));
          }
          await make('compile', [`-j${availableParallelism()}`, archInfo(arch).kernelTarget]);
          result.built = true;
          result.warnings = buildWarnings(await readFile(logPath, 'utf8').catch(() => ''));
        } catch (err) {
          if (!(err instanceof BuildError)) throw err;
          // The fragment check names its options in the error itself, make's complaints are in the log.
          const log = await readFile(logPath, 'utf8').catch(() => '');
          result.errors = err.step.startsWith('configure:') ? [err.step, ...err.tail.split('\n').slice(0, 8)] : buildErrors(log);
          if (result.errors.length === 0) result.errors = [err.step];
        }
        if (result.built && opts.boot !== undefined) {
          // Keep the image apart: the next prefix's build overwrites the build directory's.
          const image = join(buildDir, 'prefix-image');
          const config = join(buildDir, 'prefix-config');
          await copyFile(join(buildDir, archInfo(arch).kernelImage), image);
          await copyFile(join(buildDir, '.config'), config);
          try {
            await opts.boot(image, config);
            result.booted = true;
          } catch (err) {
            result.booted = false;
            result.bootError = err instanceof Error ? (err.message.split('\n')[0] ?? err.name) : String(err);
          }
        }
        result.seconds = Math.round((Date.now() - started) / 1000);
        results.push(result);
        opts.onResult?.(result);
      }
      return results;
    },
  );
}
