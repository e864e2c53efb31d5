/** What every examples report states at the top: which kernel, which patch, where, when. */
import type { ExampleResult, Verdict } from '../examples/types.ts';

export interface RunInfo {
  kernelVersion: string;
  debianVersion: string;
  patchHash: string | null;
  variant: string;
  backend: string;
  arch: string;
  date: string;
}

export interface Report {
  info: RunInfo;
  results: ExampleResult[];
}

export function counts(results: readonly ExampleResult[]): Record<Verdict, number> {
  const c: Record<Verdict, number> = { pass: 0, fail: 0, 'not-implemented': 0 };
  for (const r of results) c[r.verdict]++;
  return c;
}
