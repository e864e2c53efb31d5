/**
 * The examples report as one self-contained HTML page (inline CSS, no scripts, no network):
 * a summary with kernel version, patch hash, backend, arch and date, then per example its paper
 * section, what it demonstrates, the console transcript and the verdict with its invariants.
 */
import { counts, type Report } from './summary.ts';
import type { ExampleResult } from '../examples/types.ts';

export function htmlEscape(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
}

/** The reports' style sheet (the examples page, vslab matrix's page). */
export const REPORT_CSS = `
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d2330}
h1{font-size:1.6rem;margin-bottom:.2rem} .meta{color:#555} table{border-collapse:collapse}
td,th{padding:.15rem .8rem;text-align:left;border-bottom:1px solid #ddd}
.v{font-weight:600;border-radius:4px;padding:0 .4rem} .pass{background:#d7f5dd;color:#125c24}
.fail{background:#fbd9d9;color:#8a1111} .not-implemented{background:#eee;color:#555}
section{margin:2rem 0;border-top:2px solid #ccd} .term{background:#14161b;color:#d7dae0;padding:.8rem 1rem;
border-radius:6px;font:13px/1.4 ui-monospace,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
.term .cmd{color:#8fd18f} .term .err{color:#f0a0a0} .term .st{color:#8a90a0} ul.inv{padding-left:1.2rem}
li.ok::marker{content:"✓ ";color:#125c24} li.bad::marker{content:"✗ ";color:#8a1111}`;

function exampleSection(r: ExampleResult): string {
  const transcript = r.steps
    .map(
      (s) =>
        `<span class="cmd"># ${htmlEscape(s.command)}</span>\n${htmlEscape(s.stdout)}${s.stderr !== '' ? `<span class="err">${htmlEscape(s.stderr)}</span>` : ''}<span class="st">[exit ${s.exitCode}]</span>`,
    )
    .join('\n');
  const invariants = r.invariants
    .map((i) => `<li class="${i.ok ? 'ok' : 'bad'}">${htmlEscape(i.says)}${i.ok ? '' : ` — <em>${htmlEscape(i.detail ?? '')}</em>`}</li>`)
    .join('');
  const label = r.verdict === 'not-implemented' ? 'not implemented' : r.verdict;
  return `<section id="${r.id}"><h2>${r.id} ${htmlEscape(r.title)} <span class="v ${r.verdict}">${label}</span></h2>
<p class="meta">Paper section ${htmlEscape(r.section)}</p><p>${htmlEscape(r.demonstrates)}</p>
${r.reason !== undefined && r.verdict !== 'pass' ? `<p><strong>${r.verdict === 'fail' ? 'Failed' : 'Not implemented'}:</strong> ${htmlEscape(r.reason)}</p>` : ''}
${transcript !== '' ? `<div class="term">${transcript}</div>` : ''}
${invariants !== '' ? `<ul class="inv">${invariants}</ul>` : ''}</section>`;
}

export function htmlReport(report: Report): string {
  const c = counts(report.results);
  const i = report.info;
  const rows = report.results
    .map(
      (r) =>
        `<tr><td><a href="#${r.id}">${r.id}</a></td><td>${htmlEscape(r.title)}</td><td><span class="v ${r.verdict}">${r.verdict === 'not-implemented' ? 'not implemented' : r.verdict}</span></td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>vslab: the paper's examples</title><style>${REPORT_CSS}</style></head><body>
<h1>Linux-VServer examples on Linux ${htmlEscape(i.kernelVersion)}</h1>
<p class="meta">Debian linux-source-6.1 ${htmlEscape(i.debianVersion)} · kernel ${htmlEscape(i.variant)} · patch ${htmlEscape(i.patchHash ?? 'none')} · ${htmlEscape(i.backend)} · ${htmlEscape(i.arch)} · ${htmlEscape(i.date)}</p>
<p id="summary"><strong>${c.pass} passed, ${c.fail} failed, ${c['not-implemented']} not implemented</strong> of ${report.results.length} examples.</p>
<table><tr><th>id</th><th>title</th><th>verdict</th></tr>${rows}</table>
${report.results.map(exampleSection).join('\n')}
</body></html>
`;
}
