/**
 * Runs examples on a booted guest and judges them: requirements first (missing → not
 * implemented, with what is missing), then the steps in order as a user would type them, then
 * every invariant over what the console showed. A kernel splat or a harness error during an
 * example makes it fail with that error as the reason.
 */
import type { Shell } from '../console/shell.ts';
import { VslabError } from '../errors.ts';
import { stepLookup, type Example, type ExampleResult, type InvariantResult, type StepResult } from './types.ts';

const NOT_WRITTEN = 'its steps and invariants are not written yet';

export async function missingRequirements(shell: Shell, ex: Example): Promise<string[]> {
  const missing: string[] = [];
  for (const r of ex.requires ?? []) {
    const res = await shell.run(r.probe);
    if (res.exitCode !== 0) missing.push(r.what);
  }
  return missing;
}

export async function runExample(shell: Shell, ex: Example): Promise<ExampleResult> {
  const started = performance.now();
  const base = { id: ex.id, title: ex.title, section: ex.section, demonstrates: ex.demonstrates };
  const done = (r: Omit<ExampleResult, keyof typeof base | 'durationMs'>): ExampleResult => ({ ...base, ...r, durationMs: performance.now() - started });
  if (ex.invariants.length === 0 || ex.steps.length === 0) {
    return done({ verdict: 'not-implemented', reason: NOT_WRITTEN, steps: [], invariants: [] });
  }
  const steps: StepResult[] = [];
  try {
    const missing = await missingRequirements(shell, ex);
    if (missing.length > 0) {
      return done({ verdict: 'not-implemented', reason: `missing: ${missing.join(', ')}`, steps: [], invariants: [] });
    }
    for (const step of ex.steps) {
      const r = await shell.run(step.command);
      steps.push({ name: step.name, command: step.command, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, durationMs: r.durationMs });
    }
  } catch (err) {
    const errorCode = err instanceof VslabError ? err.code : 'INTERNAL';
    return done({ verdict: 'fail', reason: err instanceof Error ? err.message : String(err), errorCode, steps, invariants: [] });
  } finally {
    if (ex.cleanup !== undefined && shell.failed === undefined) await shell.run(ex.cleanup).catch(() => undefined);
  }
  const step = stepLookup(steps);
  const invariants: InvariantResult[] = ex.invariants.map((inv) => {
    let verdict: true | string;
    try {
      verdict = inv.check(step);
    } catch (err) {
      verdict = err instanceof Error ? err.message : String(err);
    }
    return verdict === true ? { says: inv.says, ok: true } : { says: inv.says, ok: false, detail: verdict };
  });
  const failed = invariants.find((i) => !i.ok);
  return done(
    failed === undefined ? { verdict: 'pass', steps, invariants } : { verdict: 'fail', reason: `${failed.says}: ${failed.detail ?? ''}`, steps, invariants },
  );
}
