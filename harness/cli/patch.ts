/** vslab patch: the kernel-patch workflow (prepare a work tree, export it back, print the whole patch). */
import { pristineSource } from '../build/debian-source.ts';
import {
  assemblePatchedTree,
  discardWorkTreeEdits,
  exportPatchedTree,
  formatDiffstat,
  formatSubsystems,
  wholePatch,
  workTreeDir,
} from '../build/patch-tree.ts';
import { join } from 'node:path';
import { withLock } from '../build/lock.ts';
import { UsageError } from '../errors.ts';
import { cacheRoot } from '../paths.ts';
import { defineCommand } from './command.ts';
import { makeProgress } from './progress.ts';

const USAGE = 'usage: vslab patch prepare|export|diff [options] (vslab patch --help)';

export const patchCommand = defineCommand({
  program: 'vslab patch',
  summary: 'work on the kernel patch: prepare | export | diff',
  operands: 'prepare|export|diff',
  about: `prepare  make/update the patched work tree and print its path
export   write the work tree's changes back into kernel-patch/
diff     print the whole patch as one unified diff (with diffstat and its size per subsystem)`,
  options: {
    discard: { kind: 'flag', help: "prepare: throw away the work tree's own edits first" },
    into: { kind: 'text', arg: 'NAME', help: 'export: the patch (created if needed) that takes upstream files no patch owns yet' },
    stat: { kind: 'flag', help: 'diff: print only the diffstat and the size per subsystem' },
  },
  async run(values, operands) {
    const sub = operands[0];
    if (operands.length !== 1 || (sub !== 'prepare' && sub !== 'export' && sub !== 'diff')) throw new UsageError(USAGE);
    const progress = makeProgress();
    const src = await pristineSource(progress);
    // The work tree is shared with kernel builds: never change it under a running build.
    return withLock(
      join(cacheRoot(), 'locks', 'kernel-build.lock'),
      (owner) => progress(`waiting for a kernel build (pid ${owner})`),
      async () => {
        switch (sub) {
          case 'prepare': {
            if (values.discard) await discardWorkTreeEdits(src);
            process.stdout.write(`${await assemblePatchedTree(src, progress)}\n`);
            return 0;
          }
          case 'export': {
            const r = await exportPatchedTree(src, values.into);
            process.stdout.write(`exported ${r.newFiles.length} new file(s) and ${r.patches.length} patch(es) from ${workTreeDir(src)}\n`);
            return 0;
          }
          case 'diff': {
            const work = await assemblePatchedTree(src, progress);
            const { diff, stat } = await wholePatch(src, work);
            const header = `vslab: Linux-VServer for Debian linux-source-6.1 ${src.debianVersion} (${src.kernelVersion})\n\n${formatDiffstat(stat)}\n\n${formatSubsystems(stat)}\n\n`;
            process.stdout.write(values.stat ? header : `${header}${diff}`);
            return 0;
          }
        }
      },
    );
  },
});
