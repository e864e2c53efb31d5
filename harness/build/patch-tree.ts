/**
 * The kernel patch as a tree: kernel-patch/patches/series (edits to upstream files, applied
 * with patch -p1, each upstream file owned by exactly one patch) plus kernel-patch/files/ (new
 * files at their tree paths), each new file brought by one patch of the series
 * (kernel-patch/patches/new-files). The whole tree applies every patch, then copies every new
 * file; a prefix of the series (its first N patches and the new files they bring) is what a
 * bisection or `vslab patch check-series` builds.
 *
 * assemblePatchedTree() keeps one patched work tree per source version in the cache and
 * brings it up to date by rewriting only the files whose content changed, so an edit of one
 * patch file rebuilds incrementally. It refuses to overwrite edits made in the work tree that
 * were never exported (exportPatchedTree() writes them back into kernel-patch/).
 */
import { createHash } from 'node:crypto';
import { access, copyFile, mkdir, mkdtemp, readFile, rm, writeFile, chmod, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { BuildError, UsageError } from '../errors.ts';
import { cacheRoot, kernelPatchDir } from '../paths.ts';
import type { KernelSource } from './debian-source.ts';
import { hashTree, listTree, newHash, shortDigest } from './hash.ts';
import { runStep, type Progress } from './step.ts';

const STATE_FILE = '.vslab-managed.json';

export interface PatchSet {
  /** Patch file names in series order. */
  series: string[];
  /** Upstream paths each patch edits. */
  owners: Map<string, string>;
  /** New files (tree-relative paths). */
  newFiles: string[];
  /** The patch that brings each new file (kernel-patch/patches/new-files). */
  bringers: Map<string, string>;
  /** Hash of every input (series, patches, files). */
  hash: string;
}

interface ManagedState {
  /** Tree-relative path → sha256 of the content we wrote. */
  files: Record<string, string>;
}

const patchesDir = (): string => join(kernelPatchDir, 'patches');
const filesDir = (): string => join(kernelPatchDir, 'files');
const NEW_FILES = 'new-files';

/** One line of kernel-patch/patches/new-files: a path or a folder (ending in /) and its patch. */
export interface NewFileRule {
  path: string;
  patch: string;
}

/** Parses new-files: `path patch` per line, `#` comments. */
export function parseNewFileRules(text: string): NewFileRule[] {
  const rules: NewFileRule[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const words = line.split(/\s+/);
    const [path, patch] = words;
    if (words.length !== 2 || path === undefined || patch === undefined) throw new UsageError(`${NEW_FILES} line ${i + 1}: want "path patch", got "${line}"`);
    rules.push({ path, patch });
  }
  return rules;
}

/**
 * The patch that brings each new file: the rule with the longest matching path (a folder
 * rule ends in / and matches what lies below it). Throws UsageError naming the file that no
 * rule matches, a rule that names a patch outside the series, or a rule given twice.
 */
export function newFileBringers(newFiles: readonly string[], rules: readonly NewFileRule[], series: readonly string[]): Map<string, string> {
  const seen = new Set<string>();
  for (const r of rules) {
    if (!series.includes(r.patch)) throw new UsageError(`${NEW_FILES}: ${r.path} is brought by ${r.patch}, which is not in the series`);
    if (seen.has(r.path)) throw new UsageError(`${NEW_FILES}: ${r.path} is named twice`);
    seen.add(r.path);
  }
  const out = new Map<string, string>();
  for (const f of newFiles) {
    let best: NewFileRule | undefined;
    for (const r of rules) {
      const hit = r.path.endsWith('/') ? f.startsWith(r.path) : f === r.path;
      if (hit && (best === undefined || r.path.length > best.path.length)) best = r;
    }
    if (best === undefined) throw new UsageError(`no patch brings the new file ${f}: add a line for it to kernel-patch/patches/${NEW_FILES}`);
    out.set(f, best.patch);
  }
  return out;
}

/** kernel-patch/patches/new-files, parsed (no file: no rules). */
async function readNewFileRules(): Promise<NewFileRule[]> {
  return parseNewFileRules((await readIfExists(join(patchesDir(), NEW_FILES)))?.toString('utf8') ?? '');
}

/** The first `count` patches of the series and the new files they bring. */
export function seriesPrefix(set: PatchSet, count: number): PatchSet {
  const series = set.series.slice(0, count);
  const inPrefix = new Set(series);
  const owners = new Map([...set.owners].filter(([, p]) => inPrefix.has(p)));
  const bringers = new Map([...set.bringers].filter(([, p]) => inPrefix.has(p)));
  return { series, owners, newFiles: set.newFiles.filter((f) => bringers.has(f)), bringers, hash: `${set.hash}:${count}` };
}

export function touchedPaths(patchText: string): string[] {
  const out: string[] = [];
  for (const m of patchText.matchAll(/^\+\+\+ b\/(\S+)/gm)) if (m[1] !== undefined) out.push(m[1]);
  return out;
}

export async function readPatchSet(): Promise<PatchSet> {
  let seriesText = '';
  try {
    seriesText = await readFile(join(patchesDir(), 'series'), 'utf8');
  } catch {
    // no series: only new files
  }
  const series = seriesText
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l !== '');
  const owners = new Map<string, string>();
  for (const p of series) {
    const text = await readFile(join(patchesDir(), p), 'utf8');
    for (const path of touchedPaths(text)) {
      const prev = owners.get(path);
      if (prev !== undefined && prev !== p) throw new UsageError(`${path} is edited by both ${prev} and ${p}; one upstream file belongs to one patch`);
      owners.set(path, p);
    }
  }
  const h = newHash();
  h.update(series.join('\n'));
  await hashTree(h, patchesDir());
  await hashTree(h, filesDir());
  const newFiles = await listTree(filesDir());
  return { series, owners, newFiles, bringers: newFileBringers(newFiles, await readNewFileRules(), series), hash: shortDigest(h) };
}

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

export function workTreeDir(src: KernelSource): string {
  return join(cacheRoot(), 'work', `linux-vserver_${src.debianVersion}`);
}

async function loadState(work: string): Promise<ManagedState> {
  try {
    return JSON.parse(await readFile(join(work, STATE_FILE), 'utf8')) as ManagedState;
  } catch {
    return { files: {} };
  }
}

/** Builds the desired content of every managed file in a staging directory. */
async function stage(src: KernelSource, set: PatchSet, logPath: string): Promise<string> {
  const staging = await mkdtemp(join(tmpdir(), 'vslab-stage-'));
  for (const path of set.owners.keys()) {
    const from = join(src.dir, path);
    try {
      await access(from);
      await mkdir(dirname(join(staging, path)), { recursive: true });
      await copyFile(from, join(staging, path));
    } catch {
      // a patch may create an upstream-style file
    }
  }
  for (const p of set.series) {
    await runStep(`apply ${p}`, 'patch', ['-p1', '--batch', '--forward', '--fuzz=0', '--no-backup-if-mismatch', '-d', staging, '-i', join(patchesDir(), p)], {
      logPath,
    });
  }
  for (const rel of set.newFiles) {
    await mkdir(dirname(join(staging, rel)), { recursive: true });
    await copyFile(join(filesDir(), rel), join(staging, rel));
    await chmod(join(staging, rel), (await stat(join(filesDir(), rel))).mode & 0o777);
  }
  return staging;
}

/**
 * Brings the patched work tree in line with kernel-patch/. Returns its path.
 * Throws UsageError if the tree holds edits that were not exported.
 */
export async function assemblePatchedTree(src: KernelSource, progress: Progress = () => undefined): Promise<string> {
  return syncTree(src, await readPatchSet(), workTreeDir(src), true, progress);
}

/** The work tree of `vslab patch check-series`, apart from the one builds and edits use. */
export function seriesTreeDir(src: KernelSource): string {
  return join(cacheRoot(), 'work', `series_${src.debianVersion}`);
}

/**
 * Brings the series work tree in line with a prefix of the series (`set` cut by
 * seriesPrefix()). Nobody edits that tree: whatever it holds is overwritten.
 */
export async function assembleSeriesPrefix(src: KernelSource, prefix: PatchSet, progress: Progress = () => undefined): Promise<string> {
  return syncTree(src, prefix, seriesTreeDir(src), false, progress);
}

/**
 * Makes `work` the pristine tree with `set` applied, rewriting only the files whose content
 * changes (so make rebuilds only what they touch). With `guard`, refuses to overwrite a
 * managed file edited in place.
 */
async function syncTree(src: KernelSource, set: PatchSet, work: string, guard: boolean, progress: Progress): Promise<string> {
  const logPath = join(cacheRoot(), 'logs', 'patch.log');
  try {
    await access(join(work, 'Makefile'));
  } catch {
    progress(`creating the patched work tree ${work}`);
    await rm(work, { recursive: true, force: true });
    await mkdir(dirname(work), { recursive: true });
    await runStep('copy pristine tree', 'cp', ['-a', '--reflink=auto', src.dir, work], { logPath });
  }
  const state = await loadState(work);
  // Refuse to clobber unexported edits.
  const dirty: string[] = [];
  for (const [path, digest] of guard ? Object.entries(state.files) : []) {
    const now = await readIfExists(join(work, path));
    if (now !== undefined && sha(now) !== digest) dirty.push(path);
  }
  if (dirty.length > 0) {
    throw new UsageError(
      `the work tree ${work} has edits that are not in kernel-patch/ (${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ', …' : ''}); run "vslab patch export" first, or "vslab patch prepare --discard" to drop them`,
    );
  }
  const staging = await stage(src, set, logPath);
  try {
    const next: ManagedState = { files: {} };
    const wanted = new Set<string>([...set.owners.keys(), ...set.newFiles]);
    let changed = 0;
    for (const path of wanted) {
      const data = await readFile(join(staging, path));
      next.files[path] = sha(data);
      const cur = await readIfExists(join(work, path));
      if (cur === undefined || !cur.equals(data)) {
        await mkdir(dirname(join(work, path)), { recursive: true });
        await writeFile(join(work, path), data);
        await chmod(join(work, path), (await stat(join(staging, path))).mode & 0o777);
        changed++;
      }
    }
    // Files managed before but not any more: back to pristine (or gone).
    for (const path of Object.keys(state.files)) {
      if (wanted.has(path)) continue;
      const orig = await readIfExists(join(src.dir, path));
      if (orig === undefined) await rm(join(work, path), { force: true });
      else await writeFile(join(work, path), orig);
      changed++;
    }
    await writeFile(join(work, STATE_FILE), JSON.stringify(next, null, 1));
    if (changed > 0) progress(`patched work tree: ${changed} file(s) updated`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return work;
}

/** Forgets unexported edits: restores every managed file from kernel-patch/. */
export async function discardWorkTreeEdits(src: KernelSource): Promise<void> {
  const work = workTreeDir(src);
  await rm(join(work, STATE_FILE), { force: true });
}

/** Paths (tree-relative) where the work tree differs from the pristine tree. */
async function changedPaths(src: KernelSource, work: string): Promise<{ added: string[]; modified: string[] }> {
  const r = await execa('diff', ['-rq', '-x', STATE_FILE, src.dir, work], { reject: false, maxBuffer: 64 << 20 });
  if (r.exitCode !== 0 && r.exitCode !== 1) throw new BuildError('compare work tree with pristine', '-', r.stderr);
  const added: string[] = [];
  const modified: string[] = [];
  for (const line of r.stdout.split('\n')) {
    let m = /^Only in (.+): (.+)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) {
      if (m[1].startsWith(work)) {
        const rel = join(m[1].slice(work.length), m[2]).replace(/^\//, '');
        const st = await stat(join(work, rel));
        if (st.isDirectory()) added.push(...(await listTree(join(work, rel))).map((f) => join(rel, f)));
        else added.push(rel);
      }
      continue;
    }
    m = /^Files (.+) and (.+) differ$/.exec(line);
    if (m?.[1] !== undefined) modified.push(m[1].slice(src.dir.length + 1));
  }
  return { added, modified };
}

async function unifiedDiffOf(src: KernelSource, work: string, path: string, isNew: boolean): Promise<string> {
  const a = isNew ? '/dev/null' : join(src.dir, path);
  const r = await execa('diff', ['-up', '--label', isNew ? '/dev/null' : `a/${path}`, '--label', `b/${path}`, a, join(work, path)], { reject: false });
  if (r.exitCode === 2) throw new BuildError(`diff ${path}`, '-', r.stderr);
  return r.stdout === '' ? '' : `diff -up a/${path} b/${path}\n${r.stdout}\n`;
}

/** A patch's description: everything before its diffstat ("---" line) or its first diff. */
export function patchDescription(text: string): string {
  const idx = text.search(/^(---\n|diff |--- )/m);
  return (idx < 0 ? text : text.slice(0, idx)).trimEnd();
}

/** Diffstat lines of one patch's diff text. */
export function statOf(path: string, diff: string): DiffStatLine {
  let added = 0;
  let removed = 0;
  for (const l of diff.split('\n')) {
    if (l.startsWith('+') && !l.startsWith('+++')) added++;
    else if (l.startsWith('-') && !l.startsWith('---')) removed++;
  }
  return { path, added, removed };
}

export interface ExportResult {
  newFiles: string[];
  patches: string[];
}

/**
 * Writes the work tree's changes back into kernel-patch/: new files into files/, each patch
 * regenerated from the upstream files it owns. An upstream file no patch owns yet goes into
 * `into` (a patch name, created if needed), or the export stops with an error naming it.
 */
export async function exportPatchedTree(src: KernelSource, into?: string): Promise<ExportResult> {
  const work = workTreeDir(src);
  const set = await readPatchSet();
  const { added, modified } = await changedPaths(src, work);
  const orphans = modified.filter((p) => !set.owners.has(p));
  if (orphans.length > 0 && into === undefined) {
    throw new UsageError(`no patch owns ${orphans.join(', ')}; rerun with --into NNNN-name.patch`);
  }
  const owners = new Map(set.owners);
  if (into !== undefined) for (const p of orphans) owners.set(p, into);
  // New files: each must be brought by a patch before anything is written.
  const newFiles = added.filter((p) => p !== STATE_FILE);
  newFileBringers(newFiles, await readNewFileRules(), into === undefined || set.series.includes(into) ? set.series : [...set.series, into]);
  await rm(filesDir(), { recursive: true, force: true });
  for (const rel of newFiles) {
    await mkdir(dirname(join(filesDir(), rel)), { recursive: true });
    await copyFile(join(work, rel), join(filesDir(), rel));
    await chmod(join(filesDir(), rel), (await stat(join(work, rel))).mode & 0o777);
  }
  // Patches, in series order, each from the files it owns.
  const series = [...set.series];
  if (into !== undefined && !series.includes(into)) series.push(into);
  const byPatch = new Map<string, string[]>();
  for (const [path, p] of owners) byPatch.set(p, [...(byPatch.get(p) ?? []), path]);
  for (const p of series) {
    const old = (await readIfExists(join(patchesDir(), p)))?.toString('utf8') ?? `Subject: ${p.replace(/\.patch$/, '')}\n\n`;
    let body = '';
    const stat: DiffStatLine[] = [];
    for (const path of (byPatch.get(p) ?? []).sort()) {
      const d = await unifiedDiffOf(src, work, path, (await readIfExists(join(src.dir, path))) === undefined);
      if (d === '') continue;
      body += d;
      stat.push(statOf(path, d));
    }
    await writeFile(join(patchesDir(), p), `${patchDescription(old)}\n\n---\n${formatDiffstat(stat)}\n\n${body}`);
  }
  await writeFile(join(patchesDir(), 'series'), `${series.join('\n')}\n`);
  // The tree now matches kernel-patch/: record it as managed.
  const state: ManagedState = { files: {} };
  for (const path of [...owners.keys(), ...newFiles]) {
    const data = await readIfExists(join(work, path));
    if (data !== undefined) state.files[path] = sha(data);
  }
  await writeFile(join(work, STATE_FILE), JSON.stringify(state, null, 1));
  return { newFiles, patches: series };
}

export interface DiffStatLine {
  path: string;
  added: number;
  removed: number;
  /** A file the patch creates (not an edit of an upstream file). */
  isNew?: boolean;
}

/** The whole patch as one classic unified diff, with its diffstat. */
export async function wholePatch(src: KernelSource, work: string): Promise<{ diff: string; stat: DiffStatLine[] }> {
  const set = await readPatchSet();
  const paths = [...new Set([...set.owners.keys(), ...set.newFiles])].sort();
  let diff = '';
  const statLines: DiffStatLine[] = [];
  for (const path of paths) {
    const isNew = (await readIfExists(join(src.dir, path))) === undefined;
    const d = await unifiedDiffOf(src, work, path, isNew);
    if (d === '') continue;
    diff += d;
    statLines.push({ ...statOf(path, d), isNew });
  }
  return { diff, stat: statLines };
}

/**
 * The subsystem a path belongs to, as kernel patch summaries group them: its first two
 * directories (kernel/vserver, net/ipv4, fs/proc, mm), three under include/ (include/linux/vserver,
 * include/uapi/vserver), a top-level directory for files directly in it (fs, kernel).
 */
export function subsystemOf(path: string): string {
  const dirs = path.split('/').slice(0, -1);
  if (dirs.length === 0) return '.';
  return dirs.slice(0, dirs[0] === 'include' ? 3 : 2).join('/');
}

/** Size of the patch per subsystem: files (new / edited upstream), lines added and removed. */
export function formatSubsystems(lines: DiffStatLine[]): string {
  interface Sum {
    created: number;
    edited: number;
    added: number;
    removed: number;
  }
  const sums = new Map<string, Sum>();
  const add = (key: string, l: DiffStatLine): void => {
    const t = sums.get(key) ?? { created: 0, edited: 0, added: 0, removed: 0 };
    sums.set(key, {
      created: t.created + (l.isNew === true ? 1 : 0),
      edited: t.edited + (l.isNew === true ? 0 : 1),
      added: t.added + l.added,
      removed: t.removed + l.removed,
    });
  };
  for (const l of lines) add(subsystemOf(l.path), l);
  const keys = [...sums.keys()].sort();
  for (const l of lines) add('total', l);
  const header = ['subsystem', 'new files', 'edited files', 'added', 'removed'];
  const rows = [...keys, 'total'].map((k) => {
    const t = sums.get(k) ?? { created: 0, edited: 0, added: 0, removed: 0 };
    return [k, String(t.created), String(t.edited), `+${t.added}`, `-${t.removed}`];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => ` ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`;
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatDiffstat(lines: DiffStatLine[]): string {
  const width = Math.max(0, ...lines.map((l) => l.path.length));
  const total = lines.reduce((a, l) => ({ added: a.added + l.added, removed: a.removed + l.removed }), { added: 0, removed: 0 });
  const max = Math.max(1, ...lines.map((l) => l.added + l.removed));
  const scale = Math.min(1, 50 / max);
  const rows = lines.map((l) => {
    const n = l.added + l.removed;
    const plus = '+'.repeat(Math.max(l.added > 0 ? 1 : 0, Math.round(l.added * scale)));
    const minus = '-'.repeat(Math.max(l.removed > 0 ? 1 : 0, Math.round(l.removed * scale)));
    return ` ${l.path.padEnd(width)} | ${String(n).padStart(5)} ${plus}${minus}`;
  });
  const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  rows.push(
    ` ${plural(lines.length, 'file', 'files')} changed, ${plural(total.added, 'insertion', 'insertions')}(+), ${plural(total.removed, 'deletion', 'deletions')}(-)`,
  );
  return rows.join('\n');
}
