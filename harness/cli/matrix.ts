/** vslab matrix: the paper's examples and the ABI suite on every architecture (and backend), as one table. */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { findExamples } from '../examples/catalog.ts';
import { UsageError } from '../errors.ts';
import { ARCHES, isArch, type Arch } from '../machine/arch.ts';
import { BACKENDS, type BackendName } from '../machine/machine.ts';
import { realSteps, matrixExitStatus, runMatrix, columnName } from '../matrix/matrix.ts';
import { matrixHtml, matrixJunit, matrixTable } from '../matrix/report.ts';
import { parseShard, shardSlice } from '../matrix/shard.ts';
import { repoRoot } from '../paths.ts';
import { htmlReport } from '../report/html.ts';
import { defineCommand } from './command.ts';
import { makeProgress } from './progress.ts';

const isBackend = (s: string): s is BackendName => (BACKENDS as readonly string[]).includes(s);

function listOf<T extends string>(name: string, given: string[] | undefined, all: readonly T[], ok: (s: string) => s is T): T[] {
  if (given === undefined) return [...all];
  const bad = given.filter((g) => !ok(g));
  if (bad.length > 0) throw new UsageError(`--${name}: unknown ${bad.join(', ')} (known: ${all.join(', ')})`);
  if (given.length === 0) throw new UsageError(`--${name} names none`);
  // In the table's order, each once.
  return all.filter((a) => given.includes(a));
}

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

export const matrixCommand = defineCommand({
  program: 'vslab matrix',
  summary: "the paper's examples and the ABI suite on every architecture, as an arch × example table",
  about: `For each architecture (and backend) builds what is missing — the patched kernel and the guest
image — then runs the paper's examples (as vslab examples does) and the architecture's ABI suite
(the vitest files of npm run test:<arch>: the row's own file and the architecture-neutral ABI files,
under VSLAB_ARCH), and prints a table: one row per example plus the ABI suite, one column per
architecture. v86 emulates the 32-bit PC only: its other columns are "n/a", not failures. A
column whose build or boot fails is "blocked", with the reason, and the others still run.
--shard I/N runs the I-th of N slices of the architecture list (N equal to the number of
architectures: one per job), so a CI engine runs the slices in parallel. vitest's output of each
ABI suite goes to out/matrix/abi-<arch>-<backend>.log.
Exit status 0 all passed, 1 an example or an ABI test failed, 2 usage, or a column blocked.`,
  options: {
    arches: { kind: 'list', arg: ARCHES.join(','), help: 'the architectures (default: all)' },
    backends: { kind: 'list', arg: BACKENDS.join(','), help: 'the emulators (default: qemu)' },
    shard: { kind: 'text', arg: 'I/N', help: 'run only the I-th of N slices of the architecture list' },
    only: { kind: 'list', arg: 'E01,E02', help: 'run only these examples' },
    json: { kind: 'path', arg: 'FILE', help: 'write the whole matrix as JSON (each column with its examples report and ABI tests)' },
    junit: { kind: 'path', arg: 'FILE', help: 'write a JUnit XML report (a testsuite per column for the examples and one for its ABI suite)' },
    html: { kind: 'path', arg: 'FILE', help: "write the table as HTML, with each column's examples page beside it (FILE's name-<column>.html)" },
  },
  async run(values) {
    const arches = listOf<Arch>('arches', values.arches, ARCHES, isArch);
    const backends = listOf<BackendName>('backends', values.backends ?? ['qemu'], BACKENDS, isBackend);
    const shard = values.shard !== undefined ? parseShard(values.shard) : undefined;
    const mine = shard !== undefined ? shardSlice(arches, shard) : arches;
    const examples = findExamples(values.only);
    if (examples.length === 0) throw new UsageError('--only matches no example');
    const progress = makeProgress(false);
    if (mine.length === 0) {
      process.stdout.write(`shard ${shard?.index ?? 0}/${shard?.count ?? 0} of ${arches.length} architecture(s) is empty: nothing to run\n`);
      return 0;
    }
    progress(`matrix: ${mine.join(', ')} × ${backends.join(', ')}`);
    const m = await runMatrix({
      arches: mine,
      backends,
      examples,
      ...(shard !== undefined ? { shard } : {}),
      logDir: join(repoRoot, 'out', 'matrix'),
      progress,
      steps: await realSteps(),
      onColumn: (c) =>
        progress(`${c.arch}/${c.backend}: done (${c.status}${c.reason !== undefined ? `: ${c.reason.split('\n')[0] ?? ''}` : ''}, ${c.seconds} s)`),
    });
    if (values.json !== undefined) await write(values.json, `${JSON.stringify(m, null, 2)}\n`);
    if (values.junit !== undefined) await write(values.junit, matrixJunit(m));
    if (values.html !== undefined) {
      const pages = new Map<string, string>();
      const multi = backends.length > 1;
      const stem = basename(values.html, extname(values.html));
      for (const c of m.columns) {
        if (c.examples === undefined) continue;
        const name = columnName(c, multi);
        const page = `${stem}-${name.replace('/', '-')}.html`;
        await write(join(dirname(values.html), page), htmlReport(c.examples));
        pages.set(name, page);
      }
      await write(values.html, matrixHtml(m, pages));
    }
    process.stderr.write('\n');
    process.stdout.write(`${matrixTable(m)}\n`);
    return matrixExitStatus(m);
  },
});
