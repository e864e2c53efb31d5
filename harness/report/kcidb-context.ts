/**
 * The facts a KCIDB document states that a run's results do not carry: which commit of this
 * repository ran (git HEAD, branch, and its https URL when CI tells it), the patch set's KCIDB
 * hash, and each booted kernel's build facts from its cache manifest and build log.
 *
 * The patchset hash follows KCIDB's rule — sha256 over the newline-terminated sha256 of each
 * patch, in order of application — over our patch as it is applied: the patches of
 * kernel-patch/patches/series in series order, then the new files of kernel-patch/files/ in
 * path order (they are copied in after the series). The same, in a shell:
 *   (cd kernel-patch/patches && sha256sum $(grep -v '^#' series); \
 *    cd ../files && find . -type f | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum) | cut -c-64 | sha256sum
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { execa } from 'execa';
import { fragmentNames, type Variant } from '../build/kernel-config.ts';
import type { KernelArtifact } from '../build/kernel.ts';
import { listTree } from '../build/hash.ts';
import type { Arch } from '../machine/arch.ts';
import { kernelPatchDir, repoRoot } from '../paths.ts';
import { kcidbDocument, type BuildFacts, type CheckoutFacts, type KcidbDocument, type TestFacts } from './kcidb.ts';

/** Lines of a build log kept as its excerpt. */
const BUILD_LOG_LINES = 60;

async function git(args: string[]): Promise<string | undefined> {
  const r = await execa('git', ['-C', repoRoot, ...args], { reject: false, stdin: 'ignore' });
  return r.exitCode === 0 && typeof r.stdout === 'string' && r.stdout.trim() !== '' ? r.stdout.trim() : undefined;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The KCIDB patchset hash of kernel-patch/ (see the comment at the top). */
export async function patchsetHash(dir: string = kernelPatchDir): Promise<string> {
  let series = '';
  try {
    series = await readFile(join(dir, 'patches', 'series'), 'utf8');
  } catch {
    // no series: only new files
  }
  const pieces = [
    ...series
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter((l) => l !== '')
      .map((p) => join(dir, 'patches', p)),
    ...(await listTree(join(dir, 'files'))).map((p) => join(dir, 'files', p)),
  ];
  if (pieces.length === 0) return '';
  const lines: string[] = [];
  for (const p of pieces) lines.push(`${sha256(await readFile(p))}\n`);
  return sha256(lines.join(''));
}

/** An https URL without credentials, or undefined. */
export function publicHttpsUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:') return undefined;
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return undefined;
  }
}

/** The repository's commit, branch and URL (GitHub Actions' variables first), and the patchset hash. */
export async function checkoutFacts(env: NodeJS.ProcessEnv = process.env): Promise<CheckoutFacts> {
  const head = await git(['rev-parse', 'HEAD']);
  const branchFromGit = await git(['rev-parse', '--abbrev-ref', 'HEAD']);
  const branch = env['GITHUB_HEAD_REF'] || env['GITHUB_REF_NAME'] || (branchFromGit === 'HEAD' ? undefined : branchFromGit);
  const fromCi = env['GITHUB_SERVER_URL'] && env['GITHUB_REPOSITORY'] ? `${env['GITHUB_SERVER_URL']}/${env['GITHUB_REPOSITORY']}` : undefined;
  return {
    gitCommitHash: head !== undefined && /^[0-9a-f]{40}$/.test(head) ? head : undefined,
    gitCommitName: await git(['describe', '--always', '--tags', '--dirty']),
    gitBranch: branch === '' ? undefined : branch,
    gitRepositoryUrl: publicHttpsUrl(fromCi ?? (await git(['remote', 'get-url', 'origin']))),
    patchsetHash: await patchsetHash(),
  };
}

/** allnoconfig and the fragments, as the kernel was configured. */
export function configName(arch: Arch, variant: Variant): string {
  return ['allnoconfig', ...fragmentNames(arch, variant)].join('+');
}

function tail(text: string, lines: number): string {
  return text.replace(/\n$/, '').split('\n').slice(-lines).join('\n');
}

/** A cached (so successfully built) kernel's facts: its manifest, and the tail of the build log kept beside it. */
export async function builtKernelFacts(k: KernelArtifact): Promise<BuildFacts> {
  const m = k.manifest;
  let log: string | undefined;
  try {
    log = tail(await readFile(join(dirname(k.image), 'build.log'), 'utf8'), BUILD_LOG_LINES);
  } catch {
    log = undefined;
  }
  const finished = Date.parse(m.builtAt);
  return {
    arch: m.arch,
    variant: m.variant,
    key: m.key,
    status: 'PASS',
    compiler: m.compiler,
    configName: configName(m.arch, m.variant),
    durationSeconds: m.buildSeconds,
    startTime: Number.isNaN(finished) ? undefined : new Date(finished - m.buildSeconds * 1000).toISOString(),
    kernelVersion: m.kernelVersion,
    logExcerpt: log,
  };
}

/** A fresh id for one run's tests: time and randomness, so two runs of one checkout never collide. */
export function newRunId(now: Date = new Date()): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(4).toString('hex')}`;
}

export async function writeKcidb(path: string, doc: KcidbDocument): Promise<string> {
  const out = resolve(path);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(doc, null, 2)}\n`);
  return out;
}

/** A finished run's document: the checkout, each kernel it booted (once) as a build, its tests. */
export async function runKcidb(kernels: readonly KernelArtifact[], tests: TestFacts[]): Promise<KcidbDocument> {
  const builds: BuildFacts[] = [];
  for (const k of kernels) if (!builds.some((b) => b.key === k.manifest.key)) builds.push(await builtKernelFacts(k));
  return kcidbDocument({ runId: newRunId(), checkout: { ...(await checkoutFacts()), debianVersion: kernels[0]?.manifest.debianVersion }, builds, tests });
}
