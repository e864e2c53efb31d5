/**
 * An examples run (vslab examples --kcidb FILE) as a KCIDB document: the kernels it booted as
 * builds, each example as `vslab.examples.<id>`. When the run broke off (a kernel that did not
 * build, a guest that never came up), the examples that never ran are MISS — the harness failed,
 * nothing is known of the kernel — and a kernel that failed to build is a FAIL build with the
 * tail of its log.
 */
import { BuildError, VslabError } from '../errors.ts';
import { kernelKey, type KernelArtifact } from '../build/kernel.ts';
import type { Variant } from '../build/kernel-config.ts';
import type { Example, ExampleResult } from '../examples/types.ts';
import type { Arch } from '../machine/arch.ts';
import { builtKernelFacts, checkoutFacts, configName, newRunId } from './kcidb-context.ts';
import { exampleTests, kcidbDocument, type BuildFacts, type KcidbDocument, type TestFacts } from './kcidb.ts';

export interface ExamplesRun {
  arch: Arch;
  /** Every example asked for, in order. */
  examples: readonly Example[];
  /** The results that came back before the run ended. */
  results: readonly ExampleResult[];
  /** Every kernel a guest booted. */
  kernels: readonly KernelArtifact[];
  /** The backend, as the report states it ("qemu-system-i386 tcg"). */
  environment?: string;
  /** What ended the run early, if anything did. */
  error?: unknown;
}

export async function examplesKcidb(run: ExamplesRun): Promise<KcidbDocument> {
  const builds: BuildFacts[] = [];
  const keyOf = new Map<string, string>();
  for (const k of run.kernels) {
    if (keyOf.has(k.variant)) continue;
    builds.push(await builtKernelFacts(k));
    keyOf.set(k.variant, k.manifest.key);
  }
  /** The build an example needs: the one booted, else the key it would have (content-addressed). */
  const keyFor = async (variant: Variant): Promise<string> => {
    const have = keyOf.get(variant);
    if (have !== undefined) return have;
    const { key, compiler } = await kernelKey(run.arch, variant);
    keyOf.set(variant, key);
    if (run.error instanceof BuildError && run.error.logPath.endsWith(`kernel-${run.arch}-${variant}.log`)) {
      builds.push({
        arch: run.arch,
        variant,
        key,
        status: 'FAIL',
        compiler,
        configName: configName(run.arch, variant),
        logExcerpt: `${run.error.step}\n${run.error.tail}`,
      });
    }
    return key;
  };
  const tests: TestFacts[] = exampleTests(run.results, (r) => keyOf.get(r.variant ?? 'vserver') ?? 'unknown', run.environment);
  const ran = new Set(run.results.map((r) => r.id));
  const why = run.error === undefined ? undefined : run.error instanceof VslabError ? `${run.error.code}: ${run.error.message}` : String(run.error);
  for (const ex of run.examples) {
    if (ran.has(ex.id)) continue;
    tests.push({
      path: ['examples', ex.id],
      buildKey: await keyFor(ex.variant ?? 'vserver'),
      status: 'MISS',
      comment: `${ex.id} ${ex.title}`,
      logExcerpt: why ?? 'the run ended before this example',
      environment: run.environment,
    });
  }
  return kcidbDocument({ runId: newRunId(), checkout: { ...(await checkoutFacts()), debianVersion: run.kernels[0]?.manifest.debianVersion }, builds, tests });
}
