/**
 * The series as a kernel developer applies it: one self-contained patch per entry of
 * kernel-patch/patches/series, each holding its edits of upstream files and the new files it
 * brings (kernel-patch/patches/new-files) as creation diffs, in `git format-patch`'s mbox form,
 * so `git am DIR/*.patch`, `quilt import` or `patch -p1` apply it patch by patch and every
 * prefix is a tree `vslab patch check-series` has built.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import { kernelPatchDir } from '../paths.ts';
import { formatDiffstat, patchDescription, readPatchSet, statOf, type DiffStatLine } from './patch-tree.ts';

/** A patch file's parts: its description (subject line, blank, body) and its diffs by path. */
export interface PatchParts {
  subject: string;
  body: string;
  diffs: { path: string; diff: string }[];
}

/** Splits one of kernel-patch/patches/ into description and per-file diffs. */
export function splitPatch(text: string): PatchParts {
  const start = text.search(/^diff /m);
  const [subject = '', ...rest] = patchDescription(text).trim().split('\n');
  const diffs: { path: string; diff: string }[] = [];
  if (start >= 0) {
    for (const chunk of text.slice(start).split(/^(?=diff )/m)) {
      const path = /^\+\+\+ b\/(\S+)/m.exec(chunk)?.[1];
      if (path !== undefined) diffs.push({ path, diff: chunk.endsWith('\n') ? chunk : `${chunk}\n` });
    }
  }
  return { subject: subject.trim(), body: rest.join('\n').trim(), diffs };
}

/** The creation diff of a new file with this content (as `diff -up /dev/null` prints it). */
export function creationDiff(path: string, content: string): string {
  const lines = content.split('\n');
  const noNewline = !content.endsWith('\n');
  if (!noNewline) lines.pop();
  const body = lines.map((l) => `+${l}\n`).join('');
  return `diff -up /dev/null b/${path}\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,${lines.length} @@\n${body}${noNewline ? '\\ No newline at end of file\n' : ''}`;
}

/** One mbox message: `git format-patch`'s layout, numbered [PATCH n/N]. */
export function formatMessage(parts: PatchParts, index: number, total: number, newFiles: { path: string; content: string }[]): string {
  const diffs = [...parts.diffs, ...newFiles.map((f) => ({ path: f.path, diff: creationDiff(f.path, f.content) }))].sort((a, b) =>
    a.path.localeCompare(b.path),
  );
  const stat: DiffStatLine[] = diffs.map((d) => statOf(d.path, d.diff));
  const width = String(total).length;
  return [
    'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
    'From: vslab <vslab@localhost>',
    'Date: Thu, 1 Jan 1970 00:00:00 +0000',
    `Subject: [PATCH ${String(index).padStart(width, '0')}/${total}] ${parts.subject}`,
    '',
    parts.body === '' ? '' : `${parts.body}\n`,
    '---',
    formatDiffstat(stat),
    '',
    diffs.map((d) => d.diff).join(''),
    '-- ',
    'vslab',
    '',
  ].join('\n');
}

/** An earlier export's files: `series` and the patches. */
const isExportFile = (name: string): boolean => name === 'series' || name.endsWith('.patch');

/**
 * Makes `out` ready for an export: created if missing; a directory that holds anything but an
 * earlier export's files is refused (UsageError), so a mistyped --out never loses a file.
 */
export async function clearExport(out: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(out);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`--out ${out}: ${(err as Error).message}`, { cause: err });
    await mkdir(out, { recursive: true });
    return;
  }
  const others = names.filter((n) => !isExportFile(n));
  if (others.length > 0)
    throw new UsageError(
      `--out ${out} holds ${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''}: give a new or empty directory, or one holding only an earlier series`,
    );
  await Promise.all(names.map((n) => rm(join(out, n))));
}

/**
 * Writes the series into `out` (its earlier export's files replaced): NNNN-name.patch per entry and a `series` file.
 * Returns the file names in order.
 */
export async function exportSeries(out: string): Promise<string[]> {
  const set = await readPatchSet();
  await clearExport(out);
  const names: string[] = [];
  for (const [i, name] of set.series.entries()) {
    const parts = splitPatch(await readFile(join(kernelPatchDir, 'patches', name), 'utf8'));
    const brought = set.newFiles.filter((f) => set.bringers.get(f) === name);
    const files = await Promise.all(brought.map(async (path) => ({ path, content: await readFile(join(kernelPatchDir, 'files', path), 'utf8') })));
    await writeFile(join(out, name), formatMessage(parts, i + 1, set.series.length, files));
    names.push(name);
  }
  await writeFile(join(out, 'series'), `${names.join('\n')}\n`);
  return names;
}
