/** Text reports of selftest runs: one table, a column per run, and the verdict with its reasons. */
import { tally, type KtapStatus } from './ktap.ts';
import type { SelftestRun } from './run.ts';
import type { Flaky } from './oracle.ts';
import type { Verdict } from './verdict.ts';

const WORD: Record<KtapStatus | 'missing', string> = { pass: 'pass', fail: 'FAIL', skip: 'skip', timeout: 'TIMEOUT', missing: '-' };

export function runLabel(run: SelftestRun): string {
  return `${run.variant}/${run.place}`;
}

/** A row per test, a column per run; then the totals and each run's time. */
export function selftestTable(runs: readonly SelftestRun[]): string {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const run of runs) {
    for (const r of run.results) {
      if (!seen.has(r.id)) {
        seen.add(r.id);
        ids.push(r.id);
      }
    }
  }
  const maps = runs.map((run) => new Map(run.results.map((r) => [r.id, r])));
  const heads = ['test', ...runs.map(runLabel)];
  const rows = ids.map((id) => [
    id,
    ...maps.map((m) => {
      const r = m.get(id);
      if (r === undefined) return WORD.missing;
      const subs = r.subtests.length > 0 ? ` ${tally(r.subtests).pass}/${r.subtests.length}` : '';
      return `${WORD[r.status]}${subs}`;
    }),
  ]);
  const totals = [
    'total (pass/fail/skip/timeout)',
    ...runs.map((run) => {
      const t = tally(run.results);
      return `${t.pass}/${t.fail}/${t.skip}/${t.timeout}`;
    }),
  ];
  const times = ['run time (boot)', ...runs.map((run) => `${Math.round(run.durationMs / 1000)}s (${Math.round(run.bootMs / 1000)}s)`)];
  const all = [heads, ...rows, totals, times];
  const widths = heads.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [
    line(heads),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    widths.map((w) => '-'.repeat(w)).join('  '),
    line(totals),
    line(times),
  ];
  for (const run of runs) {
    if (run.aborted !== undefined) out.push(`${runLabel(run)} stopped in ${run.aborted.collection}: ${run.aborted.message}`);
  }
  return out.join('\n');
}

/** The verdict in words: regressions, unexplained and explained guest differences, stale entries. */
export function verdictText(v: Verdict): string {
  const out: string[] = [];
  for (const r of v.regressions) {
    out.push(`REGRESSION ${r.id} on ${r.run}: ${r.expected} on vanilla, ${r.got} here${r.subtests.length > 0 ? `; subtests: ${r.subtests.join('; ')}` : ''}`);
  }
  for (const d of v.unexplained) {
    out.push(
      `UNEXPLAINED guest difference ${d.id}: ${d.host} in the host context, ${d.guest} in the guest${d.subtests.length > 0 ? `; subtests: ${d.subtests.join('; ')}` : ''}`,
    );
  }
  for (const d of v.explained) out.push(`explained guest difference ${d.id}: ${d.host} → ${d.guest} (${d.expected?.reason ?? ''})`);
  for (const id of v.stale) out.push(`stale expectation ${id}: no longer differs in the guest`);
  out.push(v.ok ? 'verdict: ok (mainline behaviour unchanged; every guest difference explained)' : 'verdict: FAILED');
  return out.join('\n');
}

/** A difference that did not repeat on its rerun: the statuses of both runs, first and again. */
export function flakyText(f: Flaky): string {
  const baseline = f.run === 'vserver/guest' ? 'vserver/host' : 'vanilla';
  return `flaky ${f.id} on ${f.run}: ${f.first.baseline}/${f.first.other} first, ${f.rerun.baseline}/${f.rerun.other} on the rerun (${baseline}/${f.run})`;
}
