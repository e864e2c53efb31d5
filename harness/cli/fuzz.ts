/** vslab fuzz: run the seeded sys_vserver fuzzer in a guest and report calls per second or what the kernel reported. */
import { randomInt } from 'node:crypto';
import { UsageError } from '../errors.ts';
import { FUZZ_FROM, runFuzz, type FuzzOptions } from '../fuzz/fuzz.ts';
import { bootOptionsFrom, jsonOption, kcidbOption, ktapOption, machineOptions, variantOption } from './args.ts';
import { defineCommand } from './command.ts';
import { EXIT_TEST_FAILED } from './exit-status.ts';
import { makeProgress } from './progress.ts';
import type { KernelArtifact } from '../build/kernel.ts';
import { fuzzFindings, fuzzKtap, fuzzTests } from '../fuzz/report.ts';
import { runKcidb, writeKcidb } from '../report/kcidb-context.ts';

export const fuzzCommand = defineCommand({
  program: 'vslab fuzz',
  summary: "run the seeded sys_vserver fuzzer in a guest; report calls/s or the kernel's report",
  about: `Boots a guest (kernel variant default: vserver-debug, with lockdep) and runs vsfuzz: worker
processes make sys_vserver calls together over every command word of the ABI, every revision
and unknown words, with boundary ids and bad pointers, from the host, the spectator, a context in
setup and a guest (--from all: each worker from one of them, every second group without
CAP_SYS_ADMIN/CAP_CONTEXT), while churn processes create and end contexts and network contexts.
Prints calls per second, or the kernel's report with the seed and each worker's last logged call.
A worker's calls depend only on the seed, so
  vslab fuzz --seed S --calls N --replay
repeats them, logging every call to the kernel log first (the last one before the report is the
culprit). --ktap prints the outcome as KTAP v1 (one test, sys_vserver), --json as JSON; --kcidb
FILE writes it as a KCIDB v5.3 document (test vslab.fuzz.sys_vserver, the call rate as its number).
Exit status 0 clean, 1 a kernel report or hang, 2 usage or infrastructure.`,
  options: {
    ...machineOptions,
    variant: { ...variantOption, default: 'vserver-debug', help: 'kernel variant' },
    calls: { kind: 'int', arg: 'N', min: 1, default: 100_000, help: 'calls in all' },
    seed: { kind: 'int', arg: 'S', help: 'the seed (default: a random one, printed)' },
    from: { kind: 'enum', values: FUZZ_FROM, default: 'all', help: 'where the workers call from' },
    procs: { kind: 'int', arg: 'P', min: 1, max: 64, default: 8, help: 'worker processes' },
    churn: { kind: 'int', arg: 'C', max: 64, default: 1, help: 'processes creating and ending contexts meanwhile' },
    replay: { kind: 'flag', help: 'log every call to the kernel log before making it' },
    json: jsonOption,
    ktap: ktapOption,
    kcidb: kcidbOption,
  },
  async run(values) {
    const opts: FuzzOptions = {
      seed: values.seed ?? randomInt(1, 2 ** 31),
      calls: values.calls,
      procs: values.procs,
      churn: values.churn,
      from: values.from,
      replay: values.replay,
    };
    const { json, ktap } = values;
    if (json && ktap) throw new UsageError('--json and --ktap both want stdout: choose one');
    const boot = { ...bootOptionsFrom(values), variant: values.variant, progress: makeProgress(json || ktap) };
    let kernel: KernelArtifact | undefined;
    const outcome = await runFuzz(boot, opts, (k) => {
      kernel = k;
    });
    const target = { arch: values.arch, variant: values.variant };
    if (values.kcidb !== undefined && kernel !== undefined) {
      await writeKcidb(values.kcidb, await runKcidb([kernel], fuzzTests(outcome, opts, target, kernel.manifest.key)));
    }
    if (ktap) {
      process.stdout.write(fuzzKtap(outcome, opts, target));
    } else if (json) {
      process.stdout.write(`${JSON.stringify({ options: opts, arch: boot.arch, variant: boot.variant, outcome })}\n`);
    } else if (outcome.kind === 'clean') {
      const s = outcome.summary;
      process.stdout.write(
        `fuzz: seed ${s.seed}, ${s.calls} calls in ${s.seconds.toFixed(1)} s (${s.rate} calls/s) on ${boot.arch}/${boot.variant}: ` +
          `no kernel report (ok ${s.ok}, ENOSYS ${s.enosys}, other errors ${s.other}, children killed ${s.killed})\n`,
      );
    } else {
      process.stdout.write(`${fuzzFindings(outcome, opts, target)}\n`);
    }
    return outcome.kind === 'clean' ? 0 : EXIT_TEST_FAILED;
  },
});
