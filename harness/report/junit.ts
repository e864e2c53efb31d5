/** JUnit XML for CI systems: one testcase per example; not implemented = skipped, with the reason. */
import { counts, type Report } from './summary.ts';

export function xmlEscape(s: string): string {
  return (
    s
      .replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c)
      // XML 1.0 cannot carry most control characters, even escaped.
      .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  );
}

export function junitReport(report: Report): string {
  const c = counts(report.results);
  const total = report.results.reduce((a, r) => a + r.durationMs, 0) / 1000;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${report.results.length}" failures="${c.fail}" skipped="${c['not-implemented']}" time="${total.toFixed(3)}">`,
    ...junitTestsuite(report),
    '</testsuites>',
    '',
  ].join('\n');
}

/** The report's <testsuite> element, as lines (vslab matrix puts one per architecture in a document). */
export function junitTestsuite(report: Report): string[] {
  const c = counts(report.results);
  const total = report.results.reduce((a, r) => a + r.durationMs, 0) / 1000;
  const cases = report.results.map((r) => {
    const name = xmlEscape(`${r.id} ${r.title}`);
    const time = (r.durationMs / 1000).toFixed(3);
    const transcript = r.steps.map((s) => `$ ${s.command}\n${s.stdout}${s.stderr}[exit ${s.exitCode}]\n`).join('');
    let body = '';
    if (r.verdict === 'fail') body = `<failure message="${xmlEscape(r.reason ?? 'failed')}">${xmlEscape(transcript)}</failure>`;
    if (r.verdict === 'not-implemented') body = `<skipped message="${xmlEscape(`not implemented: ${r.reason ?? ''}`)}"/>`;
    return `    <testcase classname="vslab.examples" name="${name}" time="${time}">${body}${transcript !== '' ? `<system-out>${xmlEscape(transcript)}</system-out>` : ''}</testcase>`;
  });
  return [
    `  <testsuite name="vslab examples (${xmlEscape(report.info.backend)}, ${xmlEscape(report.info.arch)})" tests="${report.results.length}" failures="${c.fail}" skipped="${c['not-implemented']}" time="${total.toFixed(3)}" timestamp="${xmlEscape(report.info.date)}">`,
    ...cases,
    '  </testsuite>',
  ];
}
