/**
 * The catalogue of the paper's examples (PAPER.md §7), one module per part of the paper under
 * catalog/ (the helpers they share in catalog/common.ts). Every example is listed; those whose
 * feature has not landed yet name what they require, and the runner reports them as not
 * implemented when the guest lacks it. The catalogue reads in id order.
 */
import { ACCOUNTING_PROC } from './catalog/accounting-proc.ts';
import { FEATURES } from './catalog/features.ts';
import { ISOLATION } from './catalog/isolation.ts';
import { LINUX } from './catalog/linux.ts';
import { TAGGING_FLAGS } from './catalog/tagging-flags.ts';
import type { Example } from './types.ts';

export const EXAMPLES: readonly Example[] = [...LINUX, ...ISOLATION, ...TAGGING_FLAGS, ...ACCOUNTING_PROC, ...FEATURES];

export function findExamples(ids?: readonly string[]): Example[] {
  if (ids === undefined || ids.length === 0) return [...EXAMPLES];
  const wanted = new Set(ids.map((i) => i.toUpperCase()));
  return EXAMPLES.filter((e) => wanted.has(e.id));
}
