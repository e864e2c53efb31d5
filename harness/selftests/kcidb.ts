/**
 * Selftest runs as KCIDB tests (vslab selftests --kcidb FILE): one test per test program,
 * `vslab.selftests.<collection>.<program>` in the host context, `vslab.selftests_in_guest.…`
 * inside a guest (so KCIDB compares the host-context runs across the vanilla, vserver and
 * vserver-off builds, and the guest run stays apart on the vserver build). kselftest's pass,
 * fail and skip are PASS, FAIL and SKIP; a program the runner timed out is ERROR (it did not
 * complete; why is unknown). A run a kernel splat stopped adds a FAIL for the collection it
 * stopped in, with the splat.
 */
import type { KcidbStatus, TestFacts } from '../report/kcidb.ts';
import type { KtapStatus, SelftestResult } from './ktap.ts';
import type { SelftestRun } from './run.ts';

export function selftestStatus(s: KtapStatus): KcidbStatus {
  switch (s) {
    case 'pass':
      return 'PASS';
    case 'fail':
      return 'FAIL';
    case 'skip':
      return 'SKIP';
    case 'timeout':
      return 'ERROR';
  }
}

function subtestCounts(r: SelftestResult): Record<KtapStatus, number> {
  const c: Record<KtapStatus, number> = { pass: 0, fail: 0, skip: 0, timeout: 0 };
  for (const s of r.subtests) c[s.status]++;
  return c;
}

export function selftestTests(run: SelftestRun, buildKey: string): TestFacts[] {
  const root = run.place === 'guest' ? 'selftests_in_guest' : 'selftests';
  const environment = `${run.variant}/${run.place}: ${run.kernel}`;
  const tests: TestFacts[] = run.results.map((r) => ({
    path: [root, r.collection, r.test],
    buildKey,
    status: selftestStatus(r.status),
    comment: r.id,
    logExcerpt: r.status === 'pass' ? undefined : [...r.log, ...(r.exitCode === undefined ? [] : [`exit=${r.exitCode}`])].join('\n'),
    environment,
    misc: { subtests: subtestCounts(r), ...(r.exitCode === undefined ? {} : { exit_code: r.exitCode }) },
  }));
  if (run.aborted !== undefined) {
    tests.push({
      path: [root, run.aborted.collection],
      buildKey,
      status: 'FAIL',
      comment: `the run stopped in ${run.aborted.collection}`,
      logExcerpt: run.aborted.message,
      environment,
    });
  }
  return tests;
}
