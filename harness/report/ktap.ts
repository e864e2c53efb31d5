/**
 * KTAP v1 (Documentation/dev-tools/ktap.rst), the kernel's own test output format, for kernel CI
 * systems that read it (LKFT, KernelCI): one result line per example, the run's facts and each
 * failed example's reason and transcript as "# " diagnostic lines before its result; an example
 * not implemented is "ok N … # SKIP not implemented: what is missing".
 */
import type { ExampleResult } from '../examples/types.ts';
import type { Report } from './summary.ts';

/** A test name may not carry "#" (it would start a directive) nor a line break. */
function name(r: ExampleResult): string {
  return `${r.id} ${r.title}`
    .replace(/[#\r\n]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Free text as diagnostic lines, one "# " line per line of text. */
function diagnostics(text: string): string[] {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `# ${l.replace(/\r/g, '')}`.trimEnd());
}

function result(r: ExampleResult, n: number): string[] {
  if (r.verdict === 'pass') return [`ok ${n} ${name(r)}`];
  if (r.verdict === 'not-implemented') {
    const why = (r.reason ?? '').replace(/[\r\n]+/g, ' ').trim();
    return [`ok ${n} ${name(r)} # SKIP not implemented${why !== '' ? `: ${why}` : ''}`];
  }
  const transcript = r.steps.flatMap((s) => diagnostics(`$ ${s.command}\n${s.stdout}${s.stderr}[exit ${s.exitCode}]`));
  return [...diagnostics(`${r.id}: ${r.reason ?? 'failed'}`), ...transcript, `not ok ${n} ${name(r)}`];
}

export function ktapReport(report: Report): string {
  const i = report.info;
  return [
    'KTAP version 1',
    `# vslab examples: Linux ${i.kernelVersion} (Debian ${i.debianVersion}), patch ${i.patchHash ?? 'none'}, variant ${i.variant}, ${i.backend}, ${i.arch}, ${i.date}`,
    `1..${report.results.length}`,
    ...report.results.flatMap((r, k) => result(r, k + 1)),
    '',
  ].join('\n');
}
