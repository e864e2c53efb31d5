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
import type { Example, StepLookup } from './types.ts';

/** A step name: lower-case words joined by hyphens ('kill-host-from-a'). */
const STEP_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * What is wrong with the step names of EX: a name that is not kebab-case, one two steps share,
 * and one a check reads that none of its steps has. defineExample makes the last a type error;
 * this finds it in whatever the types let through (an Example built without defineExample): each
 * check runs over blank results of the example's steps, once with exit status 0 and once with 1,
 * and every name it asks for is compared with the steps' names.
 */
export function stepNameProblems(ex: Example): string[] {
  const problems = new Set<string>();
  const names = new Set<string>();
  for (const { name } of ex.steps) {
    if (!STEP_NAME.test(name)) problems.add(`${ex.id}: step name '${name}' is not kebab-case`);
    if (names.has(name)) problems.add(`${ex.id}: two steps are named '${name}'`);
    names.add(name);
  }
  for (const inv of ex.invariants) {
    for (const exitCode of [0, 1]) {
      const blank: StepLookup = (name) => {
        if (!names.has(name)) problems.add(`${ex.id}: the invariant '${inv.says}' reads step '${name}', which ${ex.id} does not have`);
        return { name, command: '', exitCode, stdout: '', stderr: '', durationMs: 0 };
      };
      try {
        inv.check(blank);
      } catch {
        // Only the names it asked for matter here, not what it makes of blank output.
      }
    }
  }
  return [...problems];
}

const ALL: readonly Example[] = [...LINUX, ...ISOLATION, ...TAGGING_FLAGS, ...ACCOUNTING_PROC, ...FEATURES];
const problems = ALL.flatMap(stepNameProblems);
if (problems.length > 0) throw new Error(`the examples catalogue names its steps wrongly:\n${problems.join('\n')}`);

export const EXAMPLES: readonly Example[] = ALL;

export function findExamples(ids?: readonly string[]): Example[] {
  if (ids === undefined || ids.length === 0) return [...EXAMPLES];
  const wanted = new Set(ids.map((i) => i.toUpperCase()));
  return EXAMPLES.filter((e) => wanted.has(e.id));
}
