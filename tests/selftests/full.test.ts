/**
 * The kernel's own selftests as a regression oracle, whole set (issue #22; npm run test:selftests):
 * every built collection on vanilla, on our patch in the host context, on our patch with
 * CONFIG_VSERVER=n, and on our patch inside a guest context (chbind + vcontext --create --chroot).
 * Every test that passes on vanilla passes on vserver and vserver-off (a difference is run again
 * once on both to tell a regression from emulation noise: harness/selftests/oracle.ts); inside the
 * guest every difference from the host context is one tests/selftests/expectations-guest.json
 * explains for this architecture, and every entry there for it still happens.
 *
 * i386 by default; VSLAB_ARCH=x86_64 makes the four runs on the x86_64 kernels with the x86_64
 * build of the selftests (tests/selftests/setup.ts builds what that architecture needs).
 */
import { describe, expect, it } from 'vitest';
import { runOracle } from '../../harness/selftests/oracle.ts';
import { flakyText, selftestTable, verdictText } from '../../harness/selftests/report.ts';
import { archFromEnv } from '../../harness/guest.ts';
import { backend } from '../fixtures.ts';

const arch = archFromEnv() ?? 'i386';

describe(`kernel selftests, whole set (${arch})`, () => {
  it(
    'mainline behaviour unchanged on vserver and vserver-off; guest differences all explained',
    async () => {
      const { runs, verdict, flaky } = await runOracle({ arch, backend });
      const all = [runs.vanilla, runs.vserver, runs.vserverOff, ...(runs.guest !== undefined ? [runs.guest] : [])];
      const text = `${selftestTable(all)}\n${[...flaky.map(flakyText), verdictText(verdict)].join('\n')}`;
      // The table and the verdict are the result a reader wants even when it passes.
      process.stdout.write(`${text}\n`);
      for (const r of all) expect(r.aborted, text).toBeUndefined();
      expect(runs.vanilla.results.filter((r) => r.status === 'pass').length, text).toBeGreaterThan(20);
      expect(verdict.regressions, text).toEqual([]);
      expect(verdict.unexplained, text).toEqual([]);
      expect(verdict.stale, text).toEqual([]);
    },
    4 * 3_600_000,
  );
});
