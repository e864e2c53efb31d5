import { describe, expect, it } from 'vitest';
import { htmlEscape, htmlReport } from '../../harness/report/html.ts';
import { junitReport } from '../../harness/report/junit.ts';
import { ktapReport } from '../../harness/report/ktap.ts';
import { parseResultLine } from '../../harness/selftests/ktap.ts';
import { terminalReport } from '../../harness/report/terminal.ts';
import { sampleReport } from './sample-report.ts';

describe('examples reports', () => {
  it('terminal: one row per example and honest counts, with the reasons', () => {
    const t = terminalReport(sampleReport);
    expect(t).toMatch(/^E11\s+Resource limits via the shell\s+pass/m);
    expect(t).toMatch(/^E12\s+CPU time limit\s+FAIL/m);
    expect(t).toMatch(/^E21\s+Process isolation\s+not implemented/m);
    expect(t).toContain('1 passed, 1 failed, 1 not implemented');
    expect(t).toContain('E21: missing: the vcontext tool');
  });

  it('junit: failures and skips counted, control characters made safe', () => {
    const x = junitReport(sampleReport);
    expect(x).toContain('<testsuites tests="3" failures="1" skipped="1"');
    expect(x).toContain('<skipped message="not implemented: missing: the vcontext tool"/>');
    expect(x).toContain('\\x01');
    expect(x).not.toMatch(/[\x00-\x08]/);
  });

  it('ktap: a KTAP v1 document — version line, plan, one result per example; fail reasons and transcripts as diagnostics; not implemented as SKIP', () => {
    const k = ktapReport(sampleReport);
    const lines = k.split('\n');
    expect(lines[0]).toBe('KTAP version 1');
    expect(lines).toContain('1..3');
    // Every line is a version line, a plan, a result or a diagnostic: nothing a KTAP reader would reject.
    for (const l of lines.filter((x) => x !== '')) expect(l, l).toMatch(/^(KTAP version 1|1\.\.\d+|# .*|#|(not )?ok \d+ .*)$/);
    const results = lines.map((l) => parseResultLine(l)).filter((r) => r !== undefined);
    expect(results.map((r) => [r.number, r.name, r.status])).toEqual([
      [1, 'E11 Resource limits via the shell', 'pass'],
      [2, 'E12 CPU time limit', 'fail'],
      [3, 'E21 Process isolation', 'skip'],
    ]);
    expect(results[2]?.detail).toBe('not implemented: missing: the vcontext tool');
    // The failure's reason and transcript come before its result line.
    const failAt = lines.indexOf('not ok 2 E12 CPU time limit');
    expect(lines.slice(0, failAt)).toContain('# E12: the loop ends with SIGXCPU: status=137');
    expect(lines.slice(0, failAt)).toContain('# $ loop');
    expect(lines.slice(0, failAt)).toContain('# [exit 137]');
  });

  it('html: self-contained, escaped, with the summary facts', () => {
    const h = htmlReport(sampleReport);
    expect(h).not.toMatch(/<script|<link|https?:\/\//);
    expect(h).toContain('ulimit &lt;lists&gt; &amp; lowers');
    expect(h).toContain('1 passed, 1 failed, 1 not implemented');
    for (const fact of ['6.1.176-1', 'abc123', 'qemu-system-i386 tcg', 'i386', '2026-11-30']) expect(h).toContain(fact);
    expect(htmlEscape('<a href="x">&')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;');
  });
});
