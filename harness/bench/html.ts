/**
 * Benchmark reports as self-contained HTML pages (`vslab bench overhead|boot --html FILE`): the
 * figures as a table and as Chart.js plots, the library inlined from node_modules, the data as
 * JSON in the page, no network. Once every chart is drawn the page sets `data-charts` on <body>
 * to their number, which is what a headless Chromium check looks for (harness/report/render.ts).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { htmlEscape } from '../report/html.ts';
import { agreementLine, MODE_LABEL, type OverheadReport } from './overhead-report.ts';
import { median } from './stats.ts';
import { MODES } from './vsbench.ts';

const require = createRequire(import.meta.url);

/** Chart.js's UMD build, to inline into a page (beside the CommonJS build its "exports" name). */
export async function chartJsSource(): Promise<string> {
  return readFile(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
}

const CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:64rem;padding:0 1rem;color:#1d2330}
h1{font-size:1.5rem} .meta{color:#555} table{border-collapse:collapse;margin:1rem 0}
td,th{padding:.15rem .7rem;text-align:right;border-bottom:1px solid #ddd} td:first-child,th:first-child{text-align:left}
.over{color:#8a1111;font-weight:600} canvas{max-width:100%}`;

/** Colours per series, in order. */
const COLOURS = ['#4c72b0', '#dd8452', '#55a868', '#c44e52', '#8172b3', '#937860'];

/**
 * The page's script: draws each chart described in the JSON block #charts, then marks <body>.
 * Error bars ([low, high] per bar, in `ranges`) are drawn by a small plugin after the bars.
 */
const DRAW = `
const specs = JSON.parse(document.getElementById('charts').textContent);
const errorBars = {
  id: 'errorBars',
  afterDatasetsDraw(chart) {
    const ctx = chart.ctx, y = chart.scales.y;
    chart.data.datasets.forEach((ds, i) => {
      if (!ds.ranges) return;
      chart.getDatasetMeta(i).data.forEach((bar, j) => {
        const r = ds.ranges[j];
        if (!r) return;
        ctx.save(); ctx.strokeStyle = '#222'; ctx.lineWidth = 1.5; ctx.beginPath();
        ctx.moveTo(bar.x, y.getPixelForValue(r[0])); ctx.lineTo(bar.x, y.getPixelForValue(r[1]));
        ctx.moveTo(bar.x - 3, y.getPixelForValue(r[0])); ctx.lineTo(bar.x + 3, y.getPixelForValue(r[0]));
        ctx.moveTo(bar.x - 3, y.getPixelForValue(r[1])); ctx.lineTo(bar.x + 3, y.getPixelForValue(r[1]));
        ctx.stroke(); ctx.restore();
      });
    });
  },
};
let drawn = 0;
for (const s of specs) {
  new Chart(document.getElementById(s.id), {
    type: 'bar',
    data: { labels: s.labels, datasets: s.datasets },
    options: { animation: false, responsive: false, plugins: { title: { display: true, text: s.title } },
      scales: { y: { title: { display: true, text: s.yTitle } } } },
    plugins: [errorBars],
  });
  drawn++;
}
document.body.dataset.charts = String(drawn);
`;

interface ChartSpec {
  id: string;
  title: string;
  yTitle: string;
  labels: string[];
  datasets: Array<{ label: string; data: number[]; backgroundColor: string; ranges?: Array<[number, number]> }>;
}

function page(title: string, body: string, charts: readonly ChartSpec[], chartJs: string): string {
  const canvases = charts.map((c) => `<canvas id="${c.id}" width="960" height="380"></canvas>`).join('\n');
  // </script> inside the JSON would end the block early; '<' never occurs in numbers and names otherwise.
  const data = JSON.stringify(charts).replace(/</g, '\\u003c');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${htmlEscape(title)}</title><style>${CSS}</style></head><body>
<h1>${htmlEscape(title)}</h1>
${body}
${canvases}
<script id="charts" type="application/json">${data}</script>
<script>${chartJs}</script>
<script>${DRAW}</script>
</body></html>
`;
}

/** The overhead report: overhead in percent per benchmark and mode, with the rounds' range. */
export function overheadHtml(r: OverheadReport, chartJs: string): string {
  const modes = MODES.filter((m) => m !== 'vanilla' && r.rows.some((row) => row.cells.some((c) => c.mode === m)));
  const pct = (x: number): number => Number(((x - 1) * 100).toFixed(3));
  const spec: ChartSpec = {
    id: 'overhead',
    title: 'time per operation against vanilla, % (bars: median over the rounds; whiskers: lowest and highest round)',
    yTitle: 'overhead %',
    labels: r.rows.map((row) => row.benchmark),
    datasets: modes.map((mode, i) => {
      const cells = r.rows.map((row) => row.cells.find((c) => c.mode === mode));
      return {
        label: MODE_LABEL[mode],
        data: cells.map((c) => (c?.ratio === undefined ? 0 : pct(c.ratio))),
        backgroundColor: COLOURS[i % COLOURS.length] ?? '#888',
        ranges: cells.map((c): [number, number] => (c?.ratioRange === undefined ? [0, 0] : [pct(c.ratioRange[0]), pct(c.ratioRange[1])])),
      };
    }),
  };
  const head = `<tr><th>benchmark</th><th>vanilla µs</th>${modes.map((m) => `<th>${htmlEscape(MODE_LABEL[m])}</th>`).join('')}</tr>`;
  const rows = r.rows
    .map((row) => {
      const base = row.cells.find((c) => c.mode === 'vanilla');
      const cells = modes.map((m) => {
        const c = row.cells.find((x) => x.mode === m);
        if (c?.ratio === undefined) return '<td></td>';
        return `<td class="${c.ratio > 1.01 ? 'over' : ''}">${c.ratio.toFixed(3)} <small>±${(c.spread * 100).toFixed(2)}%</small></td>`;
      });
      return `<tr><td>${htmlEscape(row.benchmark)}</td><td>${base === undefined ? '' : (base.median.value * 1e6).toFixed(2)}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  const machines = Object.entries(r.machines)
    .map(([m, k]) => `${htmlEscape(m)} = ${htmlEscape(k.variant)} <code>${htmlEscape(k.key)}</code>`)
    .join(', ');
  const emulator = r.backend === 'qemu' ? `QEMU${r.icount === null ? '' : ` -icount shift=${r.icount} (guest time counts instructions)`}` : r.backend;
  const body = `<p class="meta">vsbench on ${r.arch} under ${htmlEscape(emulator)}; ${r.rounds} rounds, each benchmark batched to ≥ ${r.timeMs} ms. Machines: ${machines}.</p>
<p id="agreement">${htmlEscape(agreementLine(r))}.</p>
<p>Ratios are the median time per operation against vanilla (1.000 = no overhead; above 1.010 in red).
vserver-off: the patched tree without CONFIG_VSERVER. host: patched kernel, host context, no context since boot.
host+guest: the host context while a guest lives beside it. in guest: inside a security and a network context.</p>
<table><thead>${head}</thead><tbody>
${rows}
</tbody></table>`;
  return page("vslab: the patch's overhead", body, [spec], chartJs);
}

export interface BootHtmlRow {
  backend: string;
  variant: string;
  bootMs: readonly number[];
  restoreMs?: readonly number[];
  roundTripMs: readonly number[];
}

/** The boot report: boot-to-shell and command round trip per backend and kernel. */
export function bootHtml(rows: readonly BootHtmlRow[], summary: string, chartJs: string): string {
  const backends = [...new Set(rows.map((r) => r.backend))];
  const variants = [...new Set(rows.map((r) => r.variant))];
  const chart = (id: string, title: string, yTitle: string, pick: (r: BootHtmlRow) => readonly number[]): ChartSpec => ({
    id,
    title,
    yTitle,
    labels: backends,
    datasets: variants.map((v, i) => {
      const cells = backends.map((b) => rows.find((r) => r.backend === b && r.variant === v));
      return {
        label: v,
        data: cells.map((c) => (c === undefined || pick(c).length === 0 ? 0 : Number(median(pick(c)).toFixed(3)))),
        backgroundColor: COLOURS[i % COLOURS.length] ?? '#888',
        ranges: cells.map((c): [number, number] => (c === undefined || pick(c).length === 0 ? [0, 0] : [Math.min(...pick(c)), Math.max(...pick(c))])),
      };
    }),
  });
  const table = rows
    .map(
      (r) =>
        `<tr><td>${htmlEscape(r.backend)}</td><td>${htmlEscape(r.variant)}</td><td>${median(r.bootMs).toFixed(0)}</td><td>${(r.restoreMs ?? []).length === 0 ? '' : median(r.restoreMs ?? []).toFixed(0)}</td><td>${r.roundTripMs.length === 0 ? '' : median(r.roundTripMs).toFixed(2)}</td></tr>`,
    )
    .join('\n');
  const body = `<p class="meta">${htmlEscape(summary)}</p>
<table><thead><tr><th>backend</th><th>kernel</th><th>boot ms (median)</th><th>snapshot restore ms (median)</th><th>round trip ms (median)</th></tr></thead><tbody>
${table}
</tbody></table>`;
  return page(
    'vslab: boot and round trip',
    body,
    [
      chart('boot', 'boot to shell, ms (median; whiskers: fastest and slowest boot)', 'ms', (r) => r.bootMs),
      chart('restore', 'snapshot restore to shell, ms (median; whiskers: fastest and slowest)', 'ms', (r) => r.restoreMs ?? []),
      chart('roundtrip', 'command round trip, ms (median; whiskers: fastest and slowest)', 'ms', (r) => r.roundTripMs),
    ],
    chartJs,
  );
}
