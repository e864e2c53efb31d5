/**
 * KCIDB v5.3 documents (the kernel CI results database's submission format, kernelci/kcidb-io):
 * one checkout (this repository's commit plus our kernel patch set), one build per kernel a
 * run booted (arch/variant, compiler, config fragments, build time, log excerpt), and one test
 * per result with a dotted path (`vslab.examples.E24`, `vslab.bench.overhead.null.host`).
 * Pure: the facts come in (report/kcidb-context.ts collects them), the document goes out; the
 * subset of the schema it must meet is report/kcidb-schema.json (tests/unit/kcidb.test.ts).
 */
import type { ExampleResult } from '../examples/types.ts';

export const KCIDB_ORIGIN = 'vslab';
export const KCIDB_VERSION = { major: 5, minor: 3 } as const;
/** The schema's limit on every log_excerpt. */
export const LOG_EXCERPT_MAX = 16384;

export type KcidbStatus = 'FAIL' | 'ERROR' | 'MISS' | 'PASS' | 'DONE' | 'SKIP';

export interface KcidbNumber {
  value: number;
  unit?: string;
  prefix?: 'metric' | 'binary';
}

export interface KcidbCheckout {
  id: string;
  origin: string;
  tree_name?: string;
  git_repository_url?: string;
  git_commit_hash?: string;
  git_commit_name?: string;
  git_repository_branch?: string;
  patchset_hash?: string;
  comment?: string;
  start_time?: string;
  valid?: boolean;
  misc?: Record<string, unknown>;
}

export interface KcidbBuild {
  checkout_id: string;
  id: string;
  origin: string;
  comment?: string;
  start_time?: string;
  duration?: number;
  architecture?: string;
  command?: string;
  compiler?: string;
  config_name?: string;
  log_excerpt?: string;
  status?: KcidbStatus;
  misc?: Record<string, unknown>;
}

export interface KcidbTest {
  build_id: string;
  id: string;
  origin: string;
  environment?: { comment?: string; misc?: Record<string, unknown> };
  path?: string;
  comment?: string;
  log_excerpt?: string;
  status?: KcidbStatus;
  number?: KcidbNumber;
  start_time?: string;
  duration?: number;
  misc?: Record<string, unknown>;
}

export interface KcidbDocument {
  version: { major: 5; minor: 3 };
  checkouts: KcidbCheckout[];
  builds: KcidbBuild[];
  tests: KcidbTest[];
}

/** What is known of the tested source: this repository's commit and our patch set. */
export interface CheckoutFacts {
  /** The repository's HEAD (40 hex digits), when it is a git checkout. */
  gitCommitHash?: string;
  /** `git describe --always --tags --dirty`: "-dirty" when the work tree has changes HEAD lacks. */
  gitCommitName?: string;
  gitBranch?: string;
  /** An https:// URL of the repository, when known (CI tells it). */
  gitRepositoryUrl?: string;
  /** KCIDB patchset hash of kernel-patch/ (kcidb-context.ts: patchsetHash). */
  patchsetHash: string;
  /** Debian's source package version the patch applies to, e.g. 6.1.176-1. */
  debianVersion?: string;
}

/** One kernel a run booted, from its cache manifest and build log. */
export interface BuildFacts {
  arch: string;
  variant: string;
  /** The content-addressed cache key (harness/build/kernel.ts): the same key, the same build. */
  key: string;
  status: KcidbStatus;
  compiler?: string;
  /** allnoconfig plus the fragments, e.g. "allnoconfig+base.config+vserver.config". */
  configName?: string;
  durationSeconds?: number;
  startTime?: string;
  kernelVersion?: string;
  logExcerpt?: string;
}

/** One result: a dotted path under "vslab", the build it ran on, its status. */
export interface TestFacts {
  /** Path components below "vslab", e.g. ["examples", "E24"]. */
  path: string[];
  /** The BuildFacts.key of the kernel it ran on. */
  buildKey: string;
  status: KcidbStatus;
  comment?: string;
  logExcerpt?: string;
  number?: KcidbNumber;
  durationSeconds?: number;
  startTime?: string;
  environment?: string;
  misc?: Record<string, unknown>;
}

export interface KcidbInput {
  /** Unique for this run (kcidb-context.ts: newRunId); test ids are made of it. */
  runId: string;
  checkout: CheckoutFacts;
  builds: BuildFacts[];
  tests: TestFacts[];
}

/** A path component as the schema's dotted paths allow it: letters, digits, '_' and '-'. */
export function pathPart(s: string): string {
  const p = s.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '');
  return p === '' ? '_' : p;
}

/** The tail of a log that fits a log_excerpt, NULs removed; a cut tail starts at a line. */
export function excerpt(text: string, max = LOG_EXCERPT_MAX): string {
  const clean = text.replace(/\0/g, '');
  if (clean.length <= max) return clean;
  const tail = clean.slice(clean.length - max);
  const nl = tail.indexOf('\n');
  return nl >= 0 && nl < tail.length - 1 ? tail.slice(nl + 1) : tail;
}

function checkoutId(c: CheckoutFacts): string {
  const base = c.gitCommitHash ?? 'nogit';
  return `${KCIDB_ORIGIN}:${base}${c.patchsetHash === '' ? '' : `+${c.patchsetHash.slice(0, 16)}`}`;
}

const buildId = (checkout: string, key: string): string => `${checkout}:${key}`;

/** Drops the fields whose value is undefined (the schema allows no nulls, JSON drops undefined anyway). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function kcidbDocument(input: KcidbInput): KcidbDocument {
  const c = input.checkout;
  const cid = checkoutId(c);
  const checkout: KcidbCheckout = defined({
    id: cid,
    origin: KCIDB_ORIGIN,
    tree_name: 'vslab',
    git_repository_url: c.gitRepositoryUrl,
    git_commit_hash: c.gitCommitHash,
    git_commit_name: c.gitCommitName,
    git_repository_branch: c.gitBranch,
    patchset_hash: c.patchsetHash,
    comment: c.debianVersion === undefined ? undefined : `Linux-VServer for Debian linux-source-6.1 ${c.debianVersion}`,
    valid: true,
  });
  const builds: KcidbBuild[] = input.builds.map((b) =>
    defined({
      checkout_id: cid,
      id: buildId(cid, b.key),
      origin: KCIDB_ORIGIN,
      comment: `${b.arch}/${b.variant}${b.kernelVersion === undefined ? '' : ` ${b.kernelVersion}`}`,
      start_time: b.startTime,
      duration: b.durationSeconds,
      architecture: pathPart(b.arch).toLowerCase(),
      command: `vslab build --arch ${b.arch} --variant ${b.variant}`,
      compiler: b.compiler,
      config_name: b.configName,
      log_excerpt: b.logExcerpt === undefined ? undefined : excerpt(b.logExcerpt),
      status: b.status,
      misc: { variant: b.variant, cache_key: b.key },
    }),
  );
  const tests: KcidbTest[] = input.tests.map((t, i) => {
    const path = ['vslab', ...t.path.map(pathPart)].join('.');
    return defined({
      build_id: buildId(cid, t.buildKey),
      id: `${KCIDB_ORIGIN}:${input.runId}:${i + 1}:${path}`,
      origin: KCIDB_ORIGIN,
      environment: t.environment === undefined ? undefined : { comment: t.environment },
      path,
      comment: t.comment,
      log_excerpt: t.logExcerpt === undefined ? undefined : excerpt(t.logExcerpt),
      status: t.status,
      number: t.number,
      start_time: t.startTime,
      duration: t.durationSeconds,
      misc: t.misc,
    });
  });
  return { version: { ...KCIDB_VERSION }, checkouts: [checkout], builds, tests };
}

/** Errors that are the kernel's doing (a splat, a command the kernel never let finish): the example failed. */
const KERNEL_ERRORS: readonly string[] = ['KERNEL_SPLAT', 'COMMAND_TIMEOUT'];

/**
 * An example's verdict as a KCIDB status: not implemented is SKIP (it did not run: not
 * applicable); a failure the harness caused (a protocol error, an emulator that died, a bug of
 * ours) is ERROR — nothing is known of the kernel —, any other failure FAIL.
 */
export function exampleStatus(r: ExampleResult): KcidbStatus {
  if (r.verdict === 'pass') return 'PASS';
  if (r.verdict === 'not-implemented') return 'SKIP';
  return r.errorCode !== undefined && !KERNEL_ERRORS.includes(r.errorCode) ? 'ERROR' : 'FAIL';
}

/** What the console showed for an example, as a log excerpt: the reason, then each step's transcript. */
export function exampleLog(r: ExampleResult): string {
  const lines = r.reason === undefined ? [] : [`${r.id}: ${r.reason}`];
  for (const s of r.steps) lines.push(`$ ${s.command}`, `${s.stdout}${s.stderr}`.replace(/\n$/, ''), `[exit ${s.exitCode}]`);
  return lines.join('\n');
}

/** The examples' results as tests: `vslab.examples.<id>`, on the build of the variant each ran on. */
export function exampleTests(results: readonly ExampleResult[], buildKeyOf: (r: ExampleResult) => string, environment?: string): TestFacts[] {
  return results.map((r) => ({
    path: ['examples', r.id],
    buildKey: buildKeyOf(r),
    status: exampleStatus(r),
    comment: `${r.id} ${r.title}`,
    logExcerpt: r.verdict === 'pass' ? undefined : exampleLog(r),
    durationSeconds: r.durationMs / 1000,
    environment,
    misc: r.reason === undefined ? { section: r.section } : { section: r.section, reason: r.reason },
  }));
}
