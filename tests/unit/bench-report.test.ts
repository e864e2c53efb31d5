/**
 * The overhead report (harness/bench/overhead-report.ts): medians, ratios and the agreement of
 * the rounds from recorded samples; and its HTML page drawn in Debian's headless Chromium, offline.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootHtml, chartJsSource, overheadHtml } from '../../harness/bench/html.ts';
import { agreementLine, overheadReport, overheadText, type OverheadRun } from '../../harness/bench/overhead-report.ts';
import type { Mode } from '../../harness/bench/vsbench.ts';
import { renderedDom } from '../../harness/report/render.ts';

function run(results: Record<string, Partial<Record<Mode, number[]>>>, icount: number | null = 3): OverheadRun {
  return {
    backend: 'qemu',
    icount,
    rounds: 3,
    timeMs: 200,
    machines: { vanilla: { variant: 'vanilla', key: 'k1' }, fresh: { variant: 'vserver', key: 'k2' } },
    results: new Map(Object.entries(results).map(([name, byMode]) => [name, new Map(Object.entries(byMode) as [Mode, number[]][])])),
  };
}

describe('overhead report', () => {
  it('gives each mode its median as a number with a unit, its ratio to vanilla and the range of its rounds', () => {
    const r = overheadReport(run({ null: { vanilla: [2000, 2000, 2002], host: [2010, 2010, 2012], guest: [2100, 2100, 2100] } }));
    const [row] = r.rows;
    expect(row?.benchmark).toBe('null');
    const host = row?.cells.find((c) => c.mode === 'host');
    expect(host?.median).toEqual({ value: 2010e-9, unit: 's', prefix: 'metric' });
    expect(host?.samples).toHaveLength(3);
    expect(host?.ratio).toBeCloseTo(1.005, 6);
    expect(host?.ratioRange?.[1]).toBeCloseTo(2012 / 2000, 6);
    expect(row?.cells.find((c) => c.mode === 'vanilla')?.ratio).toBeUndefined();
    expect(row?.cells.map((c) => c.mode)).toEqual(['vanilla', 'host', 'guest']);
  });

  it('says the rounds agree when every row and mode keeps within ±0.1 %, and names the widest one', () => {
    const ok = overheadReport(run({ null: { vanilla: [1000, 1000, 1001], host: [1010, 1010, 1010] } }));
    expect(ok.agreement.within).toBe(true);
    expect(ok.agreement.worst).toMatchObject({ benchmark: 'null', mode: 'vanilla' });
    expect(agreementLine(ok)).toMatch(/^every row's 3 rounds agree within ±0\.10 % \(widest: null vanilla, ±0\.10 %\)$/);
    const off = overheadReport(run({ null: { vanilla: [1000, 1000, 1000] }, fork: { vanilla: [1000, 1003, 1000] } }, null));
    expect(off.agreement.within).toBe(false);
    expect(agreementLine(off)).toContain('do NOT all agree');
    expect(agreementLine(off)).toContain('fork vanilla');
    expect(agreementLine(off)).toContain('no --icount');
  });

  it('prints a table with one column per mode that ran and three-digit ratios', () => {
    const text = overheadText(overheadReport(run({ open: { vanilla: [30000, 30000, 30000], off: [30000, 30000, 30000], busy: [33000, 33000, 33000] } })));
    const lines = text.split('\n');
    const header = lines.find((l) => l.startsWith('benchmark'));
    expect(header?.split(/\s{2,}/)).toEqual(['benchmark', 'vanilla', 'vserver-off', 'ratio', 'host+guest', 'ratio']);
    expect(lines.at(-1)?.split(/\s{2,}/)).toEqual(['open', '30.00', '30.00', '1.000', '33.00', '1.100']);
  });
});

describe('benchmark pages in headless Chromium', () => {
  it('draws the overhead chart and shows the table and the agreement line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vslab-bench-'));
    const page = join(dir, 'overhead.html');
    const r = overheadReport(
      run({ null: { vanilla: [2000, 2000, 2000], host: [2100, 2100, 2100] }, open: { vanilla: [30000, 30000, 30000], host: [30150, 30150, 30150] } }),
    );
    await writeFile(page, overheadHtml(r, await chartJsSource()));
    const dom = await renderedDom(page);
    expect(dom).toMatch(/<body data-charts="1">/);
    expect(dom).toMatch(/<td class="over">1\.050 <small>±0\.00%<\/small><\/td>/);
    expect(dom).toMatch(/<td class="">1\.005 <small>/);
    expect(dom).toContain("every row's 3 rounds agree within ±0.10 %");
    // Control: without the library no chart is drawn, and the mark stays off.
    await writeFile(page, overheadHtml(r, ''));
    expect(await renderedDom(page)).toMatch(/<body>/);
  }, 90_000);

  it('draws the three boot charts (boot, snapshot restore, round trip)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vslab-bench-'));
    const page = join(dir, 'boot.html');
    const rows = [
      { backend: 'qemu tcg', variant: 'vanilla', bootMs: [400, 410], restoreMs: [120, 130, 140], roundTripMs: [2, 2.1] },
      { backend: 'v86', variant: 'vserver', bootMs: [1900], roundTripMs: [] },
    ];
    await writeFile(page, bootHtml(rows, 'i386 guest, 2 boots', await chartJsSource()));
    const dom = await renderedDom(page);
    expect(dom).toMatch(/<body data-charts="3">/);
    expect(dom).toContain('<td>qemu tcg</td><td>vanilla</td><td>405</td><td>130</td><td>2.05</td>');
    expect(dom).toContain('<td>v86</td><td>vserver</td><td>1900</td><td></td><td></td>');
  }, 60_000);
});
