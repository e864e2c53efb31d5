/**
 * The matrix workflow users copy (.github/workflows/vslab-matrix.yml): valid for GitHub Actions by
 * GitHub's own parser, and sharding `vslab matrix` one architecture per job — as many shards as
 * harness/machine/arch.ts has rows, each shard's slice exactly one of them — with the README
 * showing the same command.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ARCHES } from '../../harness/machine/arch.ts';
import { shardSlice } from '../../harness/matrix/shard.ts';
import { repoRoot } from '../../harness/paths.ts';

const PATH = '.github/workflows/vslab-matrix.yml';
const text = readFileSync(join(repoRoot, PATH), 'utf8');

interface PlainStep {
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, unknown>;
}
const plain = parseYaml(text) as {
  jobs: Record<string, { 'runs-on': string; container: string; strategy?: { 'fail-fast'?: boolean; matrix: Record<string, unknown[]> }; steps: PlainStep[] }>;
};
const job = plain.jobs['matrix'];
const runs = (job?.steps ?? []).map((s) => s.run ?? '').join('\n');

describe('.github/workflows/vslab-matrix.yml', () => {
  it("is a valid workflow for GitHub Actions (GitHub's workflow parser) with two jobs, matrix and series", async () => {
    const parsed = parseWorkflow({ name: PATH, content: text }, new NoOperationTraceWriter());
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    if (parsed.value === undefined) throw new Error('no workflow');
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    expect(template.errors ?? []).toEqual([]);
    expect(template.jobs.map((j) => j.id.value)).toEqual(['matrix', 'series']);
  });

  it('runs one architecture per job: shards 1..N for the N rows, `--shard I/N`, each slice one row, all rows covered', () => {
    const n = ARCHES.length;
    expect(job?.strategy?.matrix['shard']).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(job?.strategy?.['fail-fast']).toBe(false);
    expect(runs).toContain(`bin/vslab matrix --shard \${{ matrix.shard }}/${n}`);
    const slices = Array.from({ length: n }, (_, i) => shardSlice(ARCHES, { index: i + 1, count: n }));
    expect(slices.every((s) => s.length === 1)).toBe(true);
    expect(slices.flat()).toEqual([...ARCHES]);
  });

  it('sets up every row as the README says, in debian:12, and uploads the reports always', () => {
    expect(job?.['runs-on']).toBe('ubuntu-latest');
    expect(job?.container).toBe('debian:12');
    expect(runs).toContain('bash scripts/setup --arches all');
    for (const opt of ['--json out/', '--junit out/', '--html out/']) expect(runs).toContain(opt);
    const upload = job?.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@') === true);
    expect(upload?.if).toBe('always()');
    expect(upload?.with?.['path']).toBe('out/');
  });

  it('builds and boots every prefix of the patch series in a job of its own, with the logs uploaded always', () => {
    const series = plain.jobs['series'];
    const seriesRuns = (series?.steps ?? []).map((s) => s.run ?? '').join('\n');
    expect(series?.container).toBe('debian:12');
    expect(seriesRuns).toContain('bash scripts/setup');
    expect(seriesRuns).toContain('npm run test:series');
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['test:series']).toBe('bin/vslab patch check-series --boot');
    expect(series?.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@') === true)?.if).toBe('always()');
  });

  it("the README shows the workflow's matrix and its command", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain(PATH);
    expect(readme).toContain(`shard: [${Array.from({ length: ARCHES.length }, (_, i) => i + 1).join(', ')}]`);
    expect(readme).toContain(`bin/vslab matrix --shard \${{ matrix.shard }}/${ARCHES.length}`);
    expect(readme).toContain('scripts/setup --arches all');
  });
});
