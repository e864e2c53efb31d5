/**
 * The kernel's own selftests as a regression oracle, whole set (issue #22; npm run test:selftests):
 * every built collection on vanilla, on our patch in the host context, on our patch with
 * CONFIG_VSERVER=n, and on our patch inside a guest context (chbind + vcontext --create --chroot).
 * Every test that passes on vanilla passes on vserver and vserver-off (a difference is run again
 * once on both to tell a regression from emulation noise: harness/selftests/oracle.ts); inside the
 * guest every difference from the host context is one tests/selftests/expectations-guest.json
 * explains, and every entry there still happens.
 */
import { describe, expect, it } from 'vitest';
import { runOracle } from '../../harness/selftests/oracle.ts';
import { selftestTable, verdictText } from '../../harness/selftests/report.ts';
import { backend } from '../fixtures.ts';

describe('kernel selftests, whole set', () => {
  it('mainline behaviour unchanged on vserver and vserver-off; guest differences all explained', async () => {
    const { runs, verdict } = await runOracle({ backend });
    const all = [runs.vanilla, runs.vserver, runs.vserverOff, ...(runs.guest !== undefined ? [runs.guest] : [])];
    const text = `${selftestTable(all)}\n${verdictText(verdict)}`;
    for (const r of all) expect(r.aborted, text).toBeUndefined();
    expect(runs.vanilla.results.filter((r) => r.status === 'pass').length, text).toBeGreaterThan(20);
    expect(verdict.regressions, text).toEqual([]);
    expect(verdict.unexplained, text).toEqual([]);
    expect(verdict.stale, text).toEqual([]);
  }, 4 * 3_600_000);
});
