/** vslab examples: reproduce the paper's examples on the booted kernel and report them. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { findExamples } from '../examples/catalog.ts';
import { runExamples } from '../examples/run-all.ts';
import { UsageError } from '../errors.ts';
import { repoRoot } from '../paths.ts';
import { htmlReport } from '../report/html.ts';
import { screenshot } from '../report/render.ts';
import { junitReport } from '../report/junit.ts';
import { ktapReport } from '../report/ktap.ts';
import type { KernelArtifact } from '../build/kernel.ts';
import type { ExampleResult } from '../examples/types.ts';
import { examplesKcidb } from '../report/kcidb-examples.ts';
import { writeKcidb } from '../report/kcidb-context.ts';
import { counts, type Report } from '../report/summary.ts';
import { terminalReport } from '../report/terminal.ts';
import { accelOf, archOf, backendOf, parse } from './args.ts';
import { makeProgress } from './progress.ts';

const HELP = `usage: vslab examples [--backend qemu|v86] [--arch i386|x86_64|arm|arm64] [--accel auto|kvm|tcg] [--only E21,E22]
                      [--tools DIR] [--json | --ktap] [--junit FILE] [--html FILE] [--png FILE] [--kcidb FILE]

Boots the kernel, runs the paper's examples E01–E45 in order and prints a table: id, title,
verdict (pass, FAIL, not implemented — with what is missing), time. Writes an HTML report
(default out/examples.html); --png also renders it to a screenshot with headless Chromium.
--tools DIR runs them with your own util-vserver binaries first in the guest's PATH (vslab run --help);
the examples use only util-vserver's command line (ABI §8).
--ktap prints KTAP v1 (the kernel's test output format) on stdout instead of the table; --json the
whole report as JSON. Progress goes to stderr. --kcidb FILE writes the run as a KCIDB v5.3 document
(checkout, the kernels booted as builds, tests vslab.examples.E01…), also when the run breaks off:
the examples that never ran are then MISS.
Exit status 0 all passed, 1 an example failed, 2 usage or infrastructure (build, emulator, boot).`;

export async function examplesCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    backend: { type: 'string' },
    arch: { type: 'string' },
    accel: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'boolean' },
    ktap: { type: 'boolean' },
    junit: { type: 'string' },
    html: { type: 'string' },
    png: { type: 'string' },
    tools: { type: 'string' },
    kcidb: { type: 'string' },
  });
  if (values['help'] === true) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const only = typeof values['only'] === 'string' ? values['only'].split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined;
  if (values['json'] === true && values['ktap'] === true) throw new UsageError('--json and --ktap both want stdout: choose one');
  const examples = findExamples(only);
  if (examples.length === 0) throw new UsageError(`--only matches no example (ids are E01…E45)`);
  const progress = makeProgress(values['json'] === true);
  const arch = archOf(values['arch']);
  const kcidbPath = typeof values['kcidb'] === 'string' ? values['kcidb'] : undefined;
  const kernels: KernelArtifact[] = [];
  const done: ExampleResult[] = [];
  let report: Report;
  try {
    report = await runExamples(examples, {
      backend: backendOf(values['backend']),
      arch,
      accel: accelOf(values['accel']),
      toolsDir: typeof values['tools'] === 'string' ? resolve(values['tools']) : undefined,
      progress,
      onStart: (ex, i, n) => progress(`[${i + 1}/${n}] ${ex.id} ${ex.title}`),
      onResult: (r) => done.push(r),
      onBoot: (k) => kernels.push(k),
    });
  } catch (err) {
    // The run broke off: what ran, and MISS for the rest, still reach the CI system.
    // Writing it must not hide why the run broke off.
    if (kcidbPath !== undefined) {
      await examplesKcidb({ arch, examples, results: done, kernels, error: err })
        .then((doc) => writeKcidb(kcidbPath, doc))
        .catch((e: unknown) => progress(`no KCIDB document: ${e instanceof Error ? e.message : String(e)}`));
    }
    throw err;
  }
  if (kcidbPath !== undefined) {
    await writeKcidb(kcidbPath, await examplesKcidb({ arch, examples, results: report.results, kernels, environment: report.info.backend }));
  }
  const htmlPath = resolve(typeof values['html'] === 'string' ? values['html'] : join(repoRoot, 'out', 'examples.html'));
  await mkdir(dirname(htmlPath), { recursive: true });
  await writeFile(htmlPath, htmlReport(report));
  if (typeof values['png'] === 'string') await screenshot(htmlPath, resolve(values['png']));
  if (typeof values['junit'] === 'string') {
    await mkdir(dirname(resolve(values['junit'])), { recursive: true });
    await writeFile(values['junit'], junitReport(report));
  }
  if (values['json'] === true) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (values['ktap'] === true) {
    process.stdout.write(ktapReport(report));
  } else {
    process.stderr.write('\n');
    process.stdout.write(`${terminalReport(report)}\n\nHTML report: ${htmlPath}\n`);
  }
  return counts(report.results).fail > 0 ? 1 : 0;
}
