/** The examples table for a terminal: id, title, verdict, time, and why for the others. */
import { formatTable } from '../bench/stats.ts';
import { counts, type Report } from './summary.ts';

const LABEL = { pass: 'pass', fail: 'FAIL', 'not-implemented': 'not implemented' } as const;

export function terminalReport(report: Report): string {
  const rows = report.results.map((r) => [r.id, r.title, LABEL[r.verdict], r.verdict === 'not-implemented' ? '' : `${(r.durationMs / 1000).toFixed(2)} s`]);
  const c = counts(report.results);
  const reasons = report.results
    .filter((r) => r.verdict !== 'pass' && r.reason !== undefined)
    .map((r) => `  ${r.id}: ${(r.reason ?? '').split('\n')[0] ?? ''}`);
  const i = report.info;
  return [
    `Linux ${i.kernelVersion} (Debian ${i.debianVersion}, ${i.variant}, patch ${i.patchHash ?? 'none'}) on ${i.backend}, ${i.arch}`,
    '',
    formatTable(['id', 'title', 'verdict', 'time'], rows, 'lllr'),
    '',
    `${c.pass} passed, ${c.fail} failed, ${c['not-implemented']} not implemented`,
    ...(reasons.length > 0 ? ['', 'why:', ...reasons] : []),
  ].join('\n');
}
