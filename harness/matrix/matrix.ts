/**
 * `vslab matrix`: per (architecture, backend) column, build what is missing (the patched kernel
 * and the guest image), run the paper's examples with the code `vslab examples` uses
 * (examples/run-all.ts) and the architecture's ABI suite with the files its arches tests run
 * (abi-suite.ts). A pair the backend cannot emulate (v86 is a 32-bit PC) is not applicable, not a
 * failure; a column whose build or boot fails is blocked, with the reason, and the others go on.
 */
import { join } from 'node:path';
import { buildGuestImage } from '../build/guest-image.ts';
import { buildKernel } from '../build/kernel.ts';
import { runExamples } from '../examples/run-all.ts';
import type { Example, ExampleResult, Verdict } from '../examples/types.ts';
import type { Arch } from '../machine/arch.ts';
import { backendRuns, type BackendName } from '../machine/machine.ts';
import type { Report } from '../report/summary.ts';
import type { AbiSuiteResult, RunAbiOptions } from './abi-suite.ts';
import type { Shard } from './shard.ts';

export type ColumnStatus = 'ran' | 'not-applicable' | 'blocked';

export interface MatrixColumn {
  arch: Arch;
  backend: BackendName;
  status: ColumnStatus;
  /** not-applicable or blocked: why. */
  reason?: string;
  /** The examples' report (what `vslab examples --json` prints), when they ran. */
  examples?: Report;
  abi?: AbiSuiteResult;
  /** Wall time of the column: build, boots, examples and suite. */
  seconds: number;
}

export interface MatrixResult {
  date: string;
  shard?: Shard;
  /** The examples asked for, in order: the table's rows. */
  exampleIds: string[];
  columns: MatrixColumn[];
}

/** What a column does, injectable so the flow is testable without a kernel. */
export interface MatrixSteps {
  build(arch: Arch, progress: (m: string) => void): Promise<void>;
  examples(examples: readonly Example[], arch: Arch, backend: BackendName, progress: (m: string) => void): Promise<Report>;
  abi(opts: RunAbiOptions): Promise<AbiSuiteResult>;
}

export const realSteps = async (): Promise<MatrixSteps> => {
  const { runAbiSuite } = await import('./abi-suite.ts');
  return {
    async build(arch, progress) {
      await buildKernel({ arch, variant: 'vserver', progress });
      await buildGuestImage(arch, progress);
    },
    examples: (examples, arch, backend, progress) =>
      runExamples(examples, { arch, backend, progress, onStart: (ex, i, n) => progress(`${arch}/${backend} [${i + 1}/${n}] ${ex.id} ${ex.title}`) }),
    abi: runAbiSuite,
  };
};

export interface MatrixOptions {
  arches: readonly Arch[];
  backends: readonly BackendName[];
  examples: readonly Example[];
  /** Run the ABI suite too (default true). */
  abi?: boolean;
  shard?: Shard;
  /** Where each column's vitest log goes (<dir>/abi-<arch>-<backend>.log). */
  logDir: string;
  progress?: (m: string) => void;
  steps: MatrixSteps;
  onColumn?: (c: MatrixColumn) => void;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function runMatrix(opts: MatrixOptions): Promise<MatrixResult> {
  const progress = opts.progress ?? (() => undefined);
  const columns: MatrixColumn[] = [];
  for (const arch of opts.arches) {
    let built: string | undefined | null = null; // null: not tried; undefined: built; string: why not
    for (const backend of opts.backends) {
      const started = Date.now();
      const col = (c: Omit<MatrixColumn, 'arch' | 'backend' | 'seconds'>): MatrixColumn => ({
        arch,
        backend,
        ...c,
        seconds: Math.round((Date.now() - started) / 1000),
      });
      let column: MatrixColumn;
      if (!backendRuns(backend, arch)) {
        column = col({ status: 'not-applicable', reason: `${backend} does not emulate ${arch}` });
      } else {
        if (built === null) {
          progress(`${arch}: building what is missing`);
          built = await opts.steps.build(arch, progress).then(
            () => undefined,
            (err: unknown) => `build: ${message(err)}`,
          );
        }
        if (built !== undefined) {
          column = col({ status: 'blocked', reason: built });
        } else {
          let examples: Report | undefined;
          let reason: string | undefined;
          try {
            examples = await opts.steps.examples(opts.examples, arch, backend, progress);
          } catch (err) {
            reason = `examples: ${message(err)}`;
          }
          const abi =
            opts.abi === false ? undefined : await opts.steps.abi({ arch, backend, logPath: join(opts.logDir, `abi-${arch}-${backend}.log`), progress });
          column = col({
            status: reason === undefined ? 'ran' : 'blocked',
            ...(reason !== undefined ? { reason } : {}),
            ...(examples !== undefined ? { examples } : {}),
            ...(abi !== undefined ? { abi } : {}),
          });
        }
      }
      columns.push(column);
      opts.onColumn?.(column);
    }
  }
  return { date: new Date().toISOString(), ...(opts.shard !== undefined ? { shard: opts.shard } : {}), exampleIds: opts.examples.map((e) => e.id), columns };
}

/** One cell of the table: an example's verdict in a column, or why there is none. */
export type Cell = Verdict | 'not-applicable' | 'blocked' | 'missing';

export function exampleCell(c: MatrixColumn, id: string): Cell {
  if (c.status === 'not-applicable') return 'not-applicable';
  const r: ExampleResult | undefined = c.examples?.results.find((x) => x.id === id);
  if (r !== undefined) return r.verdict;
  return c.status === 'blocked' ? 'blocked' : 'missing';
}

export function columnName(c: MatrixColumn, withBackend: boolean): string {
  return withBackend ? `${c.arch}/${c.backend}` : c.arch;
}

/** Counts over the whole matrix (n/a cells count as neither). */
export function matrixCounts(m: MatrixResult): {
  pass: number;
  fail: number;
  notImplemented: number;
  blocked: number;
  notApplicable: number;
  abiFailed: number;
} {
  const out = { pass: 0, fail: 0, notImplemented: 0, blocked: 0, notApplicable: 0, abiFailed: 0 };
  for (const c of m.columns) {
    for (const id of m.exampleIds) {
      const cell = exampleCell(c, id);
      if (cell === 'pass') out.pass++;
      else if (cell === 'fail') out.fail++;
      else if (cell === 'not-implemented') out.notImplemented++;
      else if (cell === 'not-applicable') out.notApplicable++;
      else out.blocked++;
    }
    if (c.abi?.verdict === 'fail') out.abiFailed++;
  }
  return out;
}

/** 0 every cell passed (or is n/a), 1 an example or the ABI suite failed, 2 a column was blocked. */
export function matrixExitStatus(m: MatrixResult): number {
  const c = matrixCounts(m);
  if (c.fail > 0 || c.abiFailed > 0) return 1;
  if (c.blocked > 0 || m.columns.some((x) => x.status === 'blocked')) return 2;
  return 0;
}
