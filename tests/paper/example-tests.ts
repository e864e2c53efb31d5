/**
 * One vitest test per paper example (harness/examples/catalog.ts) on an already booted guest:
 * shared by the i386 suite (tests/paper/examples.test.ts) and the other architectures
 * (tests/arches/x86_64.test.ts, tests/arches/arm.test.ts). An example whose feature has not landed
 * is skipped with what is missing (never counted as a pass); one whose steps are not written
 * yet is a todo.
 */
import { expect, it } from 'vitest';
import { EXAMPLES } from '../../harness/examples/catalog.ts';
import { runExample } from '../../harness/examples/runner.ts';
import type { GuestHandle } from '../fixtures.ts';

export function defineExampleTests(h: GuestHandle, suffix = ''): void {
  for (const ex of EXAMPLES) {
    const name = `${ex.id} ${ex.title}: ${ex.demonstrates}${suffix}`;
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
}
