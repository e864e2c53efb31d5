/** vslab patch: the kernel-patch workflow (prepare a work tree, export it back, print the whole patch). */
import { pristineSource } from '../build/debian-source.ts';
import { assemblePatchedTree, discardWorkTreeEdits, exportPatchedTree, formatDiffstat, formatSubsystems, wholePatch, workTreeDir } from '../build/patch-tree.ts';
import { join } from 'node:path';
import { withLock } from '../build/lock.ts';
import { UsageError } from '../errors.ts';
import { cacheRoot } from '../paths.ts';
import { parse } from './args.ts';
import { makeProgress } from './progress.ts';

const HELP = `usage: vslab patch prepare [--discard]     make/update the patched work tree and print its path
       vslab patch export [--into NAME]     write the work tree's changes back into kernel-patch/
       vslab patch diff [--stat]            print the whole patch as one unified diff (with diffstat and
                                            its size per subsystem); --stat prints only those`;

export async function patchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { discard: { type: 'boolean' }, into: { type: 'string' }, stat: { type: 'boolean' } }, true);
  if (values['help'] === true) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const sub = positionals[0];
  if (sub !== 'prepare' && sub !== 'export' && sub !== 'diff') throw new UsageError(HELP);
  const progress = makeProgress();
  const src = await pristineSource(progress);
  // The work tree is shared with kernel builds: never change it under a running build.
  return withLock(join(cacheRoot(), 'locks', 'kernel-build.lock'), (owner) => progress(`waiting for a kernel build (pid ${owner})`), async () => {
    switch (sub) {
      case 'prepare': {
        if (values['discard'] === true) await discardWorkTreeEdits(src);
        process.stdout.write(`${await assemblePatchedTree(src, progress)}\n`);
        return 0;
      }
      case 'export': {
        const r = await exportPatchedTree(src, values['into'] as string | undefined);
        process.stdout.write(`exported ${r.newFiles.length} new file(s) and ${r.patches.length} patch(es) from ${workTreeDir(src)}\n`);
        return 0;
      }
      case 'diff': {
        const work = await assemblePatchedTree(src, progress);
        const { diff, stat } = await wholePatch(src, work);
        const header = `vslab: Linux-VServer for Debian linux-source-6.1 ${src.debianVersion} (${src.kernelVersion})\n\n${formatDiffstat(stat)}\n\n${formatSubsystems(stat)}\n\n`;
        process.stdout.write(values['stat'] === true ? header : `${header}${diff}`);
        return 0;
      }
    }
  });
}
