/**
 * The kernel's own selftests as a regression oracle, fast subset (issue #22): collections that
 * exercise what our patch hooks (pids and pidfds, namespace files, kcmp, clone3, ptrace,
 * rlimits, signals, mincore, splice) run on vanilla, on our patch in the host context and on our
 * patch with CONFIG_VSERVER=n. Every test that passes on vanilla must pass on both (a difference
 * is run again once to tell a regression from emulation noise): the patch must not change
 * mainline behaviour. The whole set, with the run inside a guest, is full.test.ts. i386 unless
 * VSLAB_ARCH names another architecture the selftests build for (x86_64).
 */
import { describe, expect, it } from 'vitest';
import { runOracle } from '../../harness/selftests/oracle.ts';
import { selftestTable, verdictText } from '../../harness/selftests/report.ts';
import { archFromEnv } from '../../harness/guest.ts';
import { backend } from '../fixtures.ts';

export const FAST_SUBSET = ['kcmp', 'pidfd', 'nsfs', 'clone3', 'ptrace', 'rlimits', 'sigaltstack', 'mincore', 'splice'];

const arch = archFromEnv() ?? 'i386';

describe(`kernel selftests, fast subset (${arch})`, () => {
  it('every test passing on vanilla passes on vserver and vserver-off (host context)', async () => {
    const { runs, verdict } = await runOracle({ arch, backend, only: FAST_SUBSET, hostOnly: true });
    const all = [runs.vanilla, runs.vserver, runs.vserverOff];
    const text = `${selftestTable(all)}\n${verdictText(verdict)}`;
    for (const r of all) expect(r.aborted, text).toBeUndefined();
    expect(runs.vanilla.results.filter((r) => r.status === 'pass').length, text).toBeGreaterThan(5);
    expect(verdict.regressions, text).toEqual([]);
  }, 1_800_000);
});
