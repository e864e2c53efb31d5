/**
 * The paper's examples E01–E45 as tests, from the same definitions as `vslab examples`
 * (harness/examples/catalog.ts). An example whose feature has not landed is skipped with what
 * is missing (never counted as a pass); one whose steps are not written yet is a todo.
 */
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../harness/examples/catalog.ts';
import { runExample } from '../../harness/examples/runner.ts';
import { backend, useGuest } from '../fixtures.ts';

describe(`the paper's examples (${backend})`, () => {
  const h = useGuest({ variant: 'vserver' });

  for (const ex of EXAMPLES) {
    const name = `${ex.id} ${ex.title}: ${ex.demonstrates}`;
    if (ex.steps.length === 0 || ex.invariants.length === 0) {
      it.todo(name);
      continue;
    }
    it(name, async (ctx) => {
      const r = await runExample(h.guest.shell, ex);
      if (r.verdict === 'not-implemented') {
        ctx.skip(`not implemented: ${r.reason ?? ''}`);
        return;
      }
      const transcript = r.steps.map((s) => `# ${s.command}\n${s.stdout}${s.stderr}[exit ${s.exitCode}]`).join('\n');
      expect(r.verdict, `${r.reason ?? ''}\n${transcript}`).toBe('pass');
    });
  }
});
