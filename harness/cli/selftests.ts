/** vslab selftests: the kernel's own selftests on our kernels, and the verdict over them. */
import { UsageError } from '../errors.ts';
import { runSelftests, type SelftestRun } from '../selftests/run.ts';
import { flakyText, runLabel, selftestTable, verdictText } from '../selftests/report.ts';
import { runOracle } from '../selftests/oracle.ts';
import { archOption, backendOption, jsonOption, kcidbOption, ktapOption, variantOption } from './args.ts';
import { defineCommand } from './command.ts';
import { makeProgress } from './progress.ts';
import { cachedKernel, type KernelArtifact } from '../build/kernel.ts';
import type { Arch } from '../machine/arch.ts';
import { SELFTEST_ARCHES } from '../build/selftests.ts';
import { runKcidb, writeKcidb } from '../report/kcidb-context.ts';
import { selftestTests } from '../selftests/kcidb.ts';
import type { TestFacts } from '../report/kcidb.ts';

/** The runs as a KCIDB document, each on the cached build of its variant. */
async function writeSelftestsKcidb(path: string, arch: Arch, runs: readonly SelftestRun[]): Promise<void> {
  const kernels: KernelArtifact[] = [];
  const tests: TestFacts[] = [];
  for (const run of runs) {
    let k = kernels.find((x) => x.variant === run.variant);
    if (k === undefined) {
      k = await cachedKernel(arch, run.variant);
      if (k !== undefined) kernels.push(k);
    }
    tests.push(...selftestTests(run, k?.manifest.key ?? `${arch}-${run.variant}`));
  }
  await writeKcidb(path, await runKcidb(kernels, tests));
}

export const selftestsCommand = defineCommand({
  program: 'vslab selftests',
  summary: "run the kernel's own selftests on our kernels and compare them with vanilla",
  about: `Builds tools/testing/selftests of Debian's linux-source-6.1 (static, for i386 or x86_64; cached), boots a guest
with them at /opt/kselftest and runs them with the kernel's own runner (run_kselftest.sh), one
collection at a time.

Without --variant: the verdict. Four runs — vanilla, vserver in the host context, vserver-off,
and vserver inside a guest (made as util-vserver makes one: --secure bound, setup ended; chbind + vcontext --migrate --chroot) — then a table of every test in
each, and the verdict: every test that passes on vanilla must pass on vserver and vserver-off,
and every difference inside the guest must be listed in tests/selftests/expectations-guest.json
(entries with "arches" hold only on the architectures they name).
Exit status 1 if the verdict fails.

With --variant (and --in, default host): that one run, as a table (--ktap: the runner's KTAP
output as it came; --json: the parsed run). Exit status 1 if the run stopped early (a kernel
splat, a hung test).

--only takes collections (pidfd) or tests (pidfd:pidfd_test), comma-separated.
--kcidb FILE writes the run(s) as a KCIDB v5.3 document: a test per program,
vslab.selftests.<collection>.<program> (vslab.selftests_in_guest.… inside a guest), on the build of
the kernel it ran on.`,
  options: {
    arch: { ...archOption, values: SELFTEST_ARCHES },
    variant: variantOption,
    in: { kind: 'enum', values: ['host', 'guest'], help: 'with --variant: run in the host context or inside a guest (default host)' },
    only: { kind: 'list', arg: 'T,…', help: 'collections (pidfd) or tests (pidfd:pidfd_test)' },
    backend: backendOption,
    ktap: ktapOption,
    json: jsonOption,
    kcidb: kcidbOption,
  },
  async run(values) {
    const { arch, backend, only } = values;
    const kcidbPath = values.kcidb;
    const quiet = values.json || values.ktap;
    const progress = makeProgress(quiet);
    const onCollection = quiet ? undefined : (c: string, rs: { status: string }[]): void => progress(`  ${c}: ${rs.map((r) => r.status).join(' ')}`);

    if (values.variant !== undefined) {
      const run = await runSelftests({ arch, backend, variant: values.variant, place: values.in ?? 'host', only, progress, onCollection });
      if (kcidbPath !== undefined) await writeSelftestsKcidb(kcidbPath, arch, [run]);
      if (values.ktap) process.stdout.write(run.ktap);
      else if (values.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
      else process.stdout.write(`${run.kernel}\n${selftestTable([run])}\n`);
      return run.aborted === undefined ? 0 : 1;
    }
    if (values.in !== undefined) throw new UsageError('--in goes with --variant (without --variant all four runs are made)');
    const { runs: r, verdict: v, flaky } = await runOracle({ arch, backend, only, progress });
    const runs: SelftestRun[] = [r.vanilla, r.vserver, r.vserverOff, ...(r.guest !== undefined ? [r.guest] : [])];
    if (kcidbPath !== undefined) await writeSelftestsKcidb(kcidbPath, arch, runs);
    if (values.ktap) {
      for (const run of runs) process.stdout.write(`# ---- ${runLabel(run)}\n${run.ktap}`);
    } else if (values.json) {
      process.stdout.write(`${JSON.stringify({ runs, verdict: v, flaky }, null, 2)}\n`);
    } else {
      process.stdout.write(`${selftestTable(runs)}\n\n${[...flaky.map(flakyText), verdictText(v)].join('\n')}\n`);
    }
    return v.ok ? 0 : 1;
  },
});
