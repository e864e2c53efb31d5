/** vslab fuzz: run the seeded sys_vserver fuzzer in a guest and report calls per second or what the kernel reported. */
import { randomInt } from 'node:crypto';
import { UsageError } from '../errors.ts';
import { FUZZ_FROM, runFuzz, type FuzzFrom, type FuzzOptions } from '../fuzz/fuzz.ts';
import { bootOptionsFrom, intOf, machineOptions, parse, variantOf } from './args.ts';
import { EXIT_TEST_FAILED } from './exit-status.ts';
import { makeProgress } from './progress.ts';
import type { KernelArtifact } from '../build/kernel.ts';
import { fuzzFindings, fuzzKtap, fuzzTests } from '../fuzz/report.ts';
import { runKcidb, writeKcidb } from '../report/kcidb-context.ts';

const HELP = `usage: vslab fuzz [--arch i386|x86_64|arm|arm64] [--variant NAME] [--backend qemu|v86] [--calls N] [--seed S]
                  [--from all|host|guest|setup|spectator] [--procs P] [--churn C] [--replay] [--json | --ktap] [--kcidb FILE]

Boots a guest (kernel variant default: vserver-debug, with lockdep) and runs vsfuzz: P worker
processes (default 8) make N sys_vserver calls together (default 100000) over every command word
of the ABI, every revision and unknown words, with boundary ids and bad pointers, from the host,
the spectator, a context in setup and a guest (--from all: each worker from one of them, every
second group without CAP_SYS_ADMIN/CAP_CONTEXT), while C processes (default 1) create and end
contexts and network contexts. Prints calls per second, or the kernel's report with the seed and
each worker's last logged call. A worker's calls depend only on the seed, so
  vslab fuzz --seed S --calls N --replay
repeats them, logging every call to the kernel log first (the last one before the report is the
culprit). --ktap prints the outcome as KTAP v1 (one test, sys_vserver) instead, --json as JSON;
--kcidb FILE writes it as a KCIDB v5.3 document (test vslab.fuzz.sys_vserver, the call rate as its number).
Exit status 0 clean, 1 a kernel report or hang, 2 usage or infrastructure.`;

function fromOf(v: unknown): FuzzFrom {
  if (v === undefined) return 'all';
  if (typeof v === 'string' && (FUZZ_FROM as readonly string[]).includes(v)) return v as FuzzFrom;
  throw new UsageError(`--from must be one of ${FUZZ_FROM.join(', ')}, not "${String(v)}"`);
}

export async function fuzzCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    ...machineOptions,
    calls: { type: 'string' },
    seed: { type: 'string' },
    from: { type: 'string' },
    procs: { type: 'string' },
    churn: { type: 'string' },
    replay: { type: 'boolean' },
    json: { type: 'boolean' },
    ktap: { type: 'boolean' },
    kcidb: { type: 'string' },
  });
  if (values['help'] === true) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const procs = intOf('procs', values['procs']) ?? 8;
  if (procs < 1 || procs > 64) throw new UsageError('--procs takes 1..64');
  const churn = intOf('churn', values['churn']) ?? 1;
  if (churn > 64) throw new UsageError('--churn takes 0..64');
  const opts: FuzzOptions = {
    seed: intOf('seed', values['seed']) ?? randomInt(1, 2 ** 31),
    calls: intOf('calls', values['calls']) ?? 100_000,
    procs,
    churn,
    from: fromOf(values['from']),
    replay: values['replay'] === true,
  };
  const json = values['json'] === true;
  const ktap = values['ktap'] === true;
  if (json && ktap) throw new UsageError('--json and --ktap both want stdout: choose one');
  const boot = { ...bootOptionsFrom(values), variant: variantOf(values['variant'], 'vserver-debug'), progress: makeProgress(json || ktap) };
  let kernel: KernelArtifact | undefined;
  const outcome = await runFuzz(boot, opts, (k) => {
    kernel = k;
  });
  const target = { arch: boot.arch ?? 'i386', variant: boot.variant };
  if (typeof values['kcidb'] === 'string' && kernel !== undefined) {
    await writeKcidb(values['kcidb'], await runKcidb([kernel], fuzzTests(outcome, opts, target, kernel.manifest.key)));
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
}
