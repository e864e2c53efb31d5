/** vslab examples: reproduce the paper's examples on the booted kernel and report them. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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
import { accelOption, archOption, backendOption, jsonOption, kcidbOption, ktapOption, toolsOption } from './args.ts';
import { defineCommand } from './command.ts';
import { makeProgress } from './progress.ts';

export const examplesCommand = defineCommand({
  program: 'vslab examples',
  summary: "reproduce the paper's examples E01–E48 on the booted kernel and report them",
  about: `Boots the kernel, runs the paper's examples E01–E48 in order and prints a table: id, title,
verdict (pass, FAIL, not implemented — with what is missing), time. Writes an HTML report
(default out/examples.html); --png also renders it to a screenshot with headless Chromium.
With --tools the examples run your own util-vserver binaries (they use only util-vserver's
command line, ABI §8). --ktap prints KTAP v1 (the kernel's test output format) on stdout instead
of the table; --json the whole report as JSON. Progress goes to stderr. --kcidb FILE writes the
run as a KCIDB v5.3 document (checkout, the kernels booted as builds, tests vslab.examples.E01…),
also when the run breaks off: the examples that never ran are then MISS.
Exit status 0 all passed, 1 an example failed, 2 usage or infrastructure (build, emulator, boot).`,
  options: {
    backend: backendOption,
    arch: archOption,
    accel: accelOption,
    only: { kind: 'list', arg: 'E21,E22', help: 'run only these examples' },
    tools: toolsOption,
    json: jsonOption,
    ktap: ktapOption,
    junit: { kind: 'path', arg: 'FILE', help: 'also write a JUnit XML report' },
    html: { kind: 'path', arg: 'FILE', help: 'where the HTML report goes (default out/examples.html)' },
    png: { kind: 'path', arg: 'FILE', help: 'also render the HTML report to a PNG (headless Chromium)' },
    kcidb: kcidbOption,
  },
  async run(values) {
    const only = values.only;
    if (values.json && values.ktap) throw new UsageError('--json and --ktap both want stdout: choose one');
    const examples = findExamples(only);
    if (examples.length === 0) throw new UsageError(`--only matches no example (ids are E01…E45)`);
    const progress = makeProgress(values.json);
    const { arch } = values;
    const kcidbPath = values.kcidb;
    const kernels: KernelArtifact[] = [];
    const done: ExampleResult[] = [];
    let report: Report;
    try {
      report = await runExamples(examples, {
        backend: values.backend,
        arch,
        accel: values.accel,
        toolsDir: values.tools,
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
    const htmlPath = values.html ?? join(repoRoot, 'out', 'examples.html');
    await mkdir(dirname(htmlPath), { recursive: true });
    await writeFile(htmlPath, htmlReport(report));
    if (values.png !== undefined) await screenshot(htmlPath, values.png);
    if (values.junit !== undefined) {
      await mkdir(dirname(values.junit), { recursive: true });
      await writeFile(values.junit, junitReport(report));
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else if (values.ktap) {
      process.stdout.write(ktapReport(report));
    } else {
      process.stderr.write('\n');
      process.stdout.write(`${terminalReport(report)}\n\nHTML report: ${htmlPath}\n`);
    }
    return counts(report.results).fail > 0 ? 1 : 0;
  },
});
