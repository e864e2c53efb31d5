/**
 * `vslab matrix`'s reports: the arch × example table for a terminal, and the JSON, JUnit and HTML
 * documents — built from the examples' own report writers (report/junit.ts's testsuite, report/
 * html.ts's page and style) with one testsuite or section per column, the ABI suite beside them.
 */
import { formatTable } from '../bench/stats.ts';
import { EXAMPLES } from '../examples/catalog.ts';
import { htmlEscape, REPORT_CSS } from '../report/html.ts';
import { junitTestsuite, xmlEscape } from '../report/junit.ts';
import { columnName, exampleCell, matrixCounts, type Cell, type MatrixColumn, type MatrixResult } from './matrix.ts';

const CELL_LABEL: Record<Cell, string> = {
  pass: 'pass',
  fail: 'FAIL',
  'not-implemented': 'n/i',
  'not-applicable': 'n/a',
  blocked: 'blocked',
  missing: '-',
};

const titleOf = (id: string): string => EXAMPLES.find((e) => e.id === id)?.title ?? '';

/** The ABI suite's cell: passed/run, FAIL when a test failed, n/a, blocked or '-' (not run). */
export function abiCell(c: MatrixColumn): string {
  if (c.status === 'not-applicable') return 'n/a';
  if (c.abi === undefined) return c.status === 'blocked' ? 'blocked' : '-';
  const run = c.abi.passed + c.abi.failed;
  return `${c.abi.verdict === 'pass' ? '' : 'FAIL '}${c.abi.passed}/${run}`;
}

const withBackends = (m: MatrixResult): boolean => new Set(m.columns.map((c) => c.backend)).size > 1;

export function matrixTable(m: MatrixResult): string {
  const wb = withBackends(m);
  const header = ['id', 'title', ...m.columns.map((c) => columnName(c, wb))];
  const rows = m.exampleIds.map((id) => [id, titleOf(id), ...m.columns.map((c) => CELL_LABEL[exampleCell(c, id)])]);
  rows.push(['ABI', 'the ABI suite (tests passed/run)', ...m.columns.map(abiCell)]);
  const n = matrixCounts(m);
  const why: string[] = [];
  for (const c of m.columns) {
    const name = columnName(c, wb);
    if (c.status === 'blocked') why.push(`  ${name}: blocked: ${(c.reason ?? '').split('\n')[0] ?? ''}`);
    for (const r of c.examples?.results ?? []) if (r.verdict === 'fail') why.push(`  ${name} ${r.id}: ${(r.reason ?? '').split('\n')[0] ?? ''}`);
    for (const t of c.abi?.tests ?? []) if (t.status === 'failed') why.push(`  ${name} ABI ${t.file}: ${t.name}: ${(t.failure ?? '').split('\n')[0] ?? ''}`);
  }
  const na = m.columns.filter((c) => c.status === 'not-applicable').map((c) => columnName(c, wb));
  return [
    `vslab matrix${m.shard !== undefined ? ` (shard ${m.shard.index}/${m.shard.count})` : ''}: ${m.columns.length} column(s), ${m.exampleIds.length} example(s)`,
    '',
    formatTable(header, rows),
    '',
    `examples: ${n.pass} passed, ${n.fail} failed, ${n.notImplemented} not implemented, ${n.blocked} blocked, ${n.notApplicable} not applicable; ABI suite failed in ${n.abiFailed} column(s)`,
    ...(na.length > 0 ? [`not applicable: ${na.join(', ')} (v86 emulates the 32-bit PC only)`] : []),
    ...(why.length > 0 ? ['', 'why:', ...why] : []),
  ].join('\n');
}

function abiTestsuite(c: MatrixColumn, name: string): string[] {
  const abi = c.abi;
  if (abi === undefined) return [];
  const cases = abi.tests.map((t) => {
    let body = '';
    if (t.status === 'failed') body = `<failure message="${xmlEscape((t.failure ?? 'failed').split('\n')[0] ?? '')}">${xmlEscape(t.failure ?? '')}</failure>`;
    if (t.status === 'skipped' || t.status === 'todo') body = `<skipped message="${t.status}"/>`;
    return `    <testcase classname="vslab.abi.${xmlEscape(t.file)}" name="${xmlEscape(t.name)}" time="${(t.durationMs / 1000).toFixed(3)}">${body}</testcase>`;
  });
  return [
    `  <testsuite name="vslab ABI suite (${xmlEscape(name)})" tests="${abi.tests.length}" failures="${abi.failed}" skipped="${abi.skipped}">`,
    ...cases,
    '  </testsuite>',
  ];
}

/** One testsuite per column for the examples and one for its ABI suite; n/a columns are skipped cases, blocked ones errors. */
export function matrixJunit(m: MatrixResult): string {
  const wb = withBackends(m);
  const suites: string[] = [];
  for (const c of m.columns) {
    const name = columnName(c, wb);
    if (c.examples !== undefined) suites.push(...junitTestsuite(c.examples));
    suites.push(...abiTestsuite(c, name));
    if (c.status !== 'ran' && c.examples === undefined) {
      const what =
        c.status === 'not-applicable'
          ? `<skipped message="${xmlEscape(`not applicable: ${c.reason ?? ''}`)}"/>`
          : `<error message="${xmlEscape((c.reason ?? '').split('\n')[0] ?? '')}">${xmlEscape(c.reason ?? '')}</error>`;
      suites.push(
        `  <testsuite name="vslab matrix (${xmlEscape(name)})" tests="1" failures="0" errors="${c.status === 'blocked' ? 1 : 0}" skipped="${c.status === 'not-applicable' ? 1 : 0}">`,
        `    <testcase classname="vslab.matrix" name="${xmlEscape(name)}">${what}</testcase>`,
        '  </testsuite>',
      );
    }
  }
  const n = matrixCounts(m);
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="vslab matrix" failures="${n.fail}">`, ...suites, '</testsuites>', ''].join('\n');
}

const CELL_CLASS: Record<Cell, string> = {
  pass: 'pass',
  fail: 'fail',
  'not-implemented': 'not-implemented',
  'not-applicable': 'not-implemented',
  blocked: 'fail',
  missing: 'not-implemented',
};

/**
 * The matrix as one HTML page: the table, each column's header linking to that column's examples
 * page (report/html.ts, written beside it: `pages` maps a column's name to its file name).
 */
export function matrixHtml(m: MatrixResult, pages: ReadonlyMap<string, string> = new Map()): string {
  const wb = withBackends(m);
  const head = m.columns
    .map((c) => {
      const name = columnName(c, wb);
      const page = pages.get(name);
      return `<th>${page !== undefined ? `<a href="${htmlEscape(page)}">${htmlEscape(name)}</a>` : htmlEscape(name)}</th>`;
    })
    .join('');
  const cell = (label: string, cls: string, title = ''): string =>
    `<td><span class="v ${cls}"${title !== '' ? ` title="${htmlEscape(title)}"` : ''}>${htmlEscape(label)}</span></td>`;
  const rows = m.exampleIds.map(
    (id) =>
      `<tr><td>${id}</td><td>${htmlEscape(titleOf(id))}</td>${m.columns
        .map((c) => {
          const v = exampleCell(c, id);
          return cell(CELL_LABEL[v], CELL_CLASS[v], c.examples?.results.find((r) => r.id === id)?.reason ?? c.reason ?? '');
        })
        .join('')}</tr>`,
  );
  rows.push(
    `<tr><td>ABI</td><td>the ABI suite (tests passed/run)</td>${m.columns.map((c) => cell(abiCell(c), c.abi?.verdict === 'pass' ? 'pass' : c.status === 'not-applicable' || c.abi === undefined ? 'not-implemented' : 'fail')).join('')}</tr>`,
  );
  const n = matrixCounts(m);
  const notes = m.columns
    .filter((c) => c.status !== 'ran' || c.abi?.verdict === 'fail')
    .map(
      (c) =>
        `<li><strong>${htmlEscape(columnName(c, wb))}</strong>: ${htmlEscape(c.reason ?? '')}${(c.abi?.tests ?? [])
          .filter((t) => t.status === 'failed')
          .map((t) => `<br>ABI ${htmlEscape(t.file)}: ${htmlEscape(t.name)}`)
          .join('')}</li>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>vslab matrix</title><style>${REPORT_CSS}</style></head><body>
<h1>Linux-VServer on every architecture</h1>
<p class="meta">vslab matrix${m.shard !== undefined ? ` · shard ${m.shard.index}/${m.shard.count}` : ''} · ${htmlEscape(m.date)}</p>
<p id="summary"><strong>${n.pass} passed, ${n.fail} failed, ${n.notImplemented} not implemented, ${n.blocked} blocked, ${n.notApplicable} not applicable</strong>; the ABI suite failed in ${n.abiFailed} column(s).</p>
<table><tr><th>id</th><th>title</th>${head}</tr>${rows.join('')}</table>
${notes !== '' ? `<ul>${notes}</ul>` : ''}
</body></html>
`;
}
