/**
 * The kernel's own selftests as a regression oracle, whole set (issue #22; npm run test:selftests):
 * every built collection on vanilla, on our patch in the host context, on our patch with
 * CONFIG_VSERVER=n, and on our patch inside a guest context (chbind + vcontext --create --chroot).
 * Every test that passes on vanilla passes on vserver and vserver-off; inside the guest every
 * difference from the host context is one tests/selftests/expectations-guest.json explains.
 */
import { describe, expect, it } from 'vitest';
import { runSelftests, type SelftestRun } from '../../harness/selftests/run.ts';
import { selftestTable, verdictText } from '../../harness/selftests/report.ts';
import { guestDifferences, readGuestExpectations, regressions } from '../../harness/selftests/verdict.ts';
import { backend } from '../fixtures.ts';

const HOUR = 3_600_000;

describe('kernel selftests, whole set', () => {
  const runs: Partial<Record<'vanilla' | 'vserver' | 'vserver-off' | 'guest', SelftestRun>> = {};

  it('vanilla', async () => {
    runs.vanilla = await runSelftests({ variant: 'vanilla', place: 'host', backend });
    expect(runs.vanilla.aborted).toBeUndefined();
  }, HOUR);

  for (const variant of ['vserver', 'vserver-off'] as const) {
    it(`${variant} in the host context: every test passing on vanilla passes`, async () => {
      const r = await runSelftests({ variant, place: 'host', backend });
      runs[variant] = r;
      expect(r.aborted).toBeUndefined();
      const base = runs.vanilla;
      expect(base).toBeDefined();
      if (base !== undefined) expect(regressions(base, r), selftestTable([base, r])).toEqual([]);
    }, HOUR);
  }

  it('vserver inside a guest: every difference from the host context is an explained one', async () => {
    const g = await runSelftests({ variant: 'vserver', place: 'guest', backend });
    runs.guest = g;
    expect(g.aborted).toBeUndefined();
    const host = runs.vserver;
    expect(host).toBeDefined();
    if (host === undefined) return;
    const d = guestDifferences(host, g, await readGuestExpectations());
    const text = `${selftestTable([host, g])}\n${verdictText({ regressions: [], ...d, ok: d.unexplained.length === 0 })}`;
    expect(d.unexplained, text).toEqual([]);
    expect(d.stale, text).toEqual([]);
  }, HOUR);
});
