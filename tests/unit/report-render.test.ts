/** The HTML report renders in a real browser (Debian's headless Chromium), offline. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlReport } from '../../harness/report/html.ts';
import { renderedDom, screenshot } from '../../harness/report/render.ts';
import { sampleReport } from './sample-report.ts';

describe('HTML report in headless Chromium', () => {
  it('shows the summary, every example and its verdict, and draws a page', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vslab-report-'));
    const page = join(dir, 'examples.html');
    await writeFile(page, htmlReport(sampleReport));
    const dom = await renderedDom(page);
    expect(dom).toContain('Linux-VServer examples on Linux 6.1.176');
    expect(dom).toMatch(/1 passed, 1 failed, 1 not implemented/);
    for (const id of ['E11', 'E12', 'E21']) expect(dom).toContain(`<section id="${id}">`);
    expect(dom).toContain('Not implemented:</strong> missing: the vcontext tool');
    const png = await screenshot(page, join(dir, 'examples.png'), 800, 600);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(800);
    expect(png.readUInt32BE(20)).toBe(600);
  }, 60_000);
});
