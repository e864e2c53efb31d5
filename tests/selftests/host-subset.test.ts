/**
 * The kernel's own selftests as a regression oracle, fast subset (issue #22): a handful of
 * collections that exercise what our patch hooks (pids and pidfds, namespaces files, kcmp, clone3,
 * prctl, ptrace, rlimits, signals, mincore, splice) run on vanilla, on our patch in the host
 * context and on our patch with CONFIG_VSERVER=n. Every test that passes on vanilla must pass on
 * both: the patch must not change mainline behaviour. The whole set, and the run inside a guest
 * context, is tests/selftests/full.test.ts (npm run test:selftests).
 */
import { describe, expect, it } from 'vitest';
import { runSelftests, type SelftestRun } from '../../harness/selftests/run.ts';
import { selftestTable } from '../../harness/selftests/report.ts';
import { regressions } from '../../harness/selftests/verdict.ts';
import { backend } from '../fixtures.ts';

export const FAST_SUBSET = ['kcmp', 'pidfd', 'nsfs', 'clone3', 'prctl', 'ptrace', 'rlimits', 'sigaltstack', 'mincore', 'splice'];

describe('kernel selftests, fast subset: mainline behaviour unchanged in the host context', () => {
  const runs: Partial<Record<'vanilla' | 'vserver' | 'vserver-off', SelftestRun>> = {};
  const run = async (variant: 'vanilla' | 'vserver' | 'vserver-off'): Promise<SelftestRun> => {
    const r = await runSelftests({ variant, place: 'host', only: FAST_SUBSET, backend });
    runs[variant] = r;
    expect(r.aborted, `${variant}: the run stopped early`).toBeUndefined();
    return r;
  };

  it('runs on vanilla, with tests that pass (the oracle has something to say)', async () => {
    const v = await run('vanilla');
    expect(v.results.filter((r) => r.status === 'pass').length).toBeGreaterThan(10);
  }, 900_000);

  for (const variant of ['vserver', 'vserver-off'] as const) {
    it(`every test passing on vanilla passes on ${variant}`, async () => {
      const base = runs.vanilla;
      expect(base, 'the vanilla run').toBeDefined();
      const r = await run(variant);
      if (base === undefined) return;
      const regs = regressions(base, r);
      expect(regs, selftestTable([base, r])).toEqual([]);
    }, 900_000);
  }
});
