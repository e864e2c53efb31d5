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
import { archOption, variantOption } from './args.ts';
import { checkSeries, type PrefixResult } from '../build/series-check.ts';
import { exportSeries } from '../build/series-export.ts';
import type { Progress } from '../build/step.ts';
import type { Arch } from '../machine/arch.ts';
import type { Variant } from '../build/kernel-config.ts';
import { bootGuest } from '../guest.ts';

const USAGE = 'usage: vslab patch prepare|export|diff|series|check-series [options] (vslab patch --help)';
const SUBCOMMANDS = ['prepare', 'export', 'diff', 'series', 'check-series'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];
const isSubcommand = (s: string | undefined): s is Subcommand => SUBCOMMANDS.some((c) => c === s);

export const patchCommand = defineCommand({
  program: 'vslab patch',
  summary: 'work on the kernel patch: prepare | export | diff | series | check-series',
  operands: SUBCOMMANDS.join('|'),
  about: `prepare       make/update the patched work tree and print its path
export        write the work tree's changes back into kernel-patch/
diff          print the whole patch as one unified diff (with diffstat and its size per subsystem)
series        write the series into --out DIR as self-contained patches (each with the new files
              it brings) in git format-patch's form, and DIR/series: git am DIR/*.patch,
              quilt import or patch -p1 apply it patch by patch
check-series  build every prefix of the series in order (patches 1..N and the new files they
              bring, kernel-patch/patches/new-files), with --boot also boot each to a shell;
              a line per prefix, exit 1 if one does not build, warns or does not boot
              (logs: <cache>/logs/series/)`,
  options: {
    discard: { kind: 'flag', help: "prepare: throw away the work tree's own edits first" },
    into: { kind: 'text', arg: 'NAME', help: 'export: the patch (created if needed) that takes upstream files no patch owns yet' },
    stat: { kind: 'flag', help: 'diff: print only the diffstat and the size per subsystem' },
    out: { kind: 'path', arg: 'DIR', help: 'series: a new or empty directory (or an earlier series) to write the patches into' },
    arch: archOption,
    variant: { ...variantOption, help: 'check-series: the kernel configuration to build each prefix with (default vserver)' },
    from: { kind: 'int', arg: 'N', min: 1, help: 'check-series: the first prefix to build (default 1)' },
    to: { kind: 'int', arg: 'N', min: 1, help: 'check-series: the last prefix to build (default the whole series)' },
    boot: { kind: 'flag', help: 'check-series: also boot each prefix that builds and run a command in it' },
  },
  async run(values, operands) {
    const sub = operands[0];
    if (operands.length !== 1 || !isSubcommand(sub)) throw new UsageError(USAGE);
    const progress = makeProgress();
    if (sub === 'series') {
      if (values.out === undefined) throw new UsageError('vslab patch series: --out DIR is required');
      const names = await exportSeries(values.out);
      process.stdout.write(`wrote ${names.length} patches and series to ${values.out}\n`);
      return 0;
    }
    if (sub === 'check-series') return runSeriesCheck(values.arch, values.variant ?? 'vserver', values.from, values.to, values.boot, progress);
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

/** One line per prefix: its number, its last patch, built or not, booted or not, and why not. */
export function formatPrefixResult(r: PrefixResult): string {
  const head = `${String(r.count).padStart(String(r.total).length)}/${r.total} ${r.patch.padEnd(40)}`;
  const boot = r.booted === undefined ? '' : r.booted ? ' boots' : ` DOES NOT BOOT: ${r.bootError ?? ''}`;
  if (!r.built) return `${head} DOES NOT BUILD (${r.seconds} s)\n${r.errors.map((e) => `    ${e}`).join('\n')}`;
  if (r.warnings.length > 0) return `${head} BUILDS WITH WARNINGS${boot} (${r.seconds} s)\n${r.warnings.map((w) => `    ${w}`).join('\n')}`;
  return `${head} builds${boot} (${r.seconds} s)`;
}

async function runSeriesCheck(
  arch: Arch,
  variant: Variant,
  from: number | undefined,
  to: number | undefined,
  boot: boolean,
  progress: Progress,
): Promise<number> {
  const results = await checkSeries({
    arch,
    variant,
    from,
    to,
    progress,
    boot: boot
      ? async (image, config) => {
          const guest = await bootGuest({
            arch,
            variant,
            snapshot: false,
            progress,
            kernel: {
              arch,
              variant,
              image,
              config,
              manifest: {
                arch,
                variant,
                key: 'series-prefix',
                debianPackage: 'linux-source-6.1',
                debianVersion: '',
                kernelVersion: '',
                patchHash: null,
                compiler: '',
                buildSeconds: 0,
                builtAt: new Date().toISOString(),
              },
            },
          });
          try {
            await guest.shell.succeed('true');
          } finally {
            await guest.close();
          }
        }
      : undefined,
    onResult: (r) => process.stdout.write(`${formatPrefixResult(r)}\n`),
  });
  const bad = results.filter((r) => !r.built || r.warnings.length > 0 || r.booted === false);
  process.stdout.write(
    bad.length === 0
      ? `every prefix checked builds without a warning${boot ? ' and boots' : ''} (${results.length})\n`
      : `${bad.length} of ${results.length} prefixes fail\n`,
  );
  return bad.length === 0 ? 0 : 1;
}
