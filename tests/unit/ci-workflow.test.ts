/**
 * The CI workflow users copy (.github/workflows/vslab.yml): valid for GitHub Actions by GitHub's own
 * parser (@actions/workflow-parser, the one behind the Actions language service), and true to the
 * README's two commands: setup and build, the examples on every architecture, `npm test`'s
 * vitest projects sharded over four jobs, with the reports uploaded, and the suites `npm test`
 * leaves to their own scripts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../harness/paths.ts';

const PATH = '.github/workflows/vslab.yml';
const text = readFileSync(join(repoRoot, PATH), 'utf8');

interface PlainStep {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface PlainJob {
  'runs-on': string;
  container: string;
  needs?: string;
  strategy?: { matrix: Record<string, unknown[]> };
  steps: PlainStep[];
}
const plain = parseYaml(text) as { jobs: Record<string, PlainJob> };
const job = (id: string): PlainJob => {
  const j = plain.jobs[id];
  if (j === undefined) throw new Error(`no job ${id}`);
  return j;
};
const runs = (id: string): string =>
  job(id)
    .steps.map((s) => s.run ?? '')
    .join('\n');
const uses = (id: string, action: string): PlainStep[] => job(id).steps.filter((s) => s.uses?.startsWith(`${action}@`) === true);

describe('.github/workflows/vslab.yml', () => {
  it("is a valid workflow for GitHub Actions (GitHub's workflow parser: schema, expressions, contexts)", async () => {
    const parsed = parseWorkflow({ name: PATH, content: text }, new NoOperationTraceWriter());
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    expect(parsed.value).toBeDefined();
    if (parsed.value === undefined) return;
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    expect(template.errors ?? []).toEqual([]);
    expect(template.jobs.map((j) => j.id.value)).toEqual(['build', 'examples', 'tests', 'suites']);
  });

  it("GitHub's parser rejects a broken workflow: an unknown key, a bad expression, an unknown context", () => {
    const cases: Array<[string, string, RegExp]> = [
      ['runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    stepz: []', /Unexpected value 'stepz'/],
      ['${{ matrix.shard }}/4', '${{ matrix.shard /4', /Unexpected symbol/],
      ['needs.build.outputs.artifacts-key', 'nedds.build.outputs.artifacts-key', /Unrecognized named-value: 'nedds'/],
    ];
    for (const [from, to, error] of cases) {
      expect(text).toContain(from);
      const parsed = parseWorkflow({ name: PATH, content: text.replace(from, to) }, new NoOperationTraceWriter());
      expect(
        parsed.context.errors
          .getErrors()
          .map((e) => e.message)
          .join('\n'),
      ).toMatch(error);
    }
  });

  it('every job runs as root in debian:12 on ubuntu-latest, after setting up as the README says', () => {
    for (const id of ['build', 'examples', 'tests', 'suites']) {
      expect(job(id)['runs-on']).toBe('ubuntu-latest');
      expect(job(id).container).toBe('debian:12');
      expect(runs(id)).toContain('bash scripts/setup');
      expect(uses(id, 'actions/checkout')).toHaveLength(1);
    }
    expect(job('examples').needs).toBe('build');
    expect(job('tests').needs).toBe('build');
    expect(job('suites').needs).toBe('build');
  });

  it('build: type check and every kernel, with ~/.cache/vslab cached on kernel-patch/ and guest-image/', () => {
    expect(runs('build')).toContain('npm run typecheck && npm run lint');
    expect(runs('build')).toContain('bin/vslab build --variant all');
    for (const arch of ['x86_64', 'arm']) expect(runs('build')).toContain(`bin/vslab build --arch ${arch}`);
    const [cache] = uses('build', 'actions/cache');
    expect(cache?.with?.['path']).toBe('~/.cache/vslab');
    expect(runs('build')).toContain("hashFiles('kernel-patch/**', 'guest-image/**')");
    for (const id of ['examples', 'tests']) {
      const [restore] = uses(id, 'actions/cache/restore');
      expect(restore?.with?.['key']).toBe('${{ needs.build.outputs.artifacts-key }}');
    }
  });

  it('examples: `vslab examples` on i386, x86_64 and arm, with HTML, JUnit, KTAP and KCIDB reports uploaded always', () => {
    expect(job('examples').strategy?.matrix['arch']).toEqual(['i386', 'x86_64', 'arm']);
    const r = runs('examples');
    expect(r).toContain('bin/vslab examples --arch ${{ matrix.arch }} --ktap');
    for (const opt of ['--html out/', '--junit out/', '--kcidb out/', '> out/']) expect(r).toContain(opt);
    const [upload] = uses('examples', 'actions/upload-artifact');
    expect(upload?.if).toBe('always()');
    expect(upload?.with?.['path']).toBe('out/');
  });

  it('tests: the vitest projects `npm test` runs, sharded over 4 jobs, JUnit uploaded always', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const npmTest = pkg.scripts['test'] ?? '';
    const projects = [...npmTest.matchAll(/--project (\S+)/g)].map((m) => m[1]);
    expect(projects.length).toBeGreaterThan(0);
    expect(job('tests').strategy?.matrix['shard']).toEqual([1, 2, 3, 4]);
    const r = runs('tests');
    expect(r).toContain(`npx vitest run ${projects.map((p) => `--project ${p}`).join(' ')} --shard \${{ matrix.shard }}/4`);
    expect(r).toContain('--reporter=junit --outputFile.junit=out/');
    // npm test's type and format checks run once, in the build job.
    expect(npmTest.startsWith('tsc --noEmit && npm run lint && ')).toBe(true);
    expect(pkg.scripts['typecheck']).toBe('tsc --noEmit');
    expect(uses('tests', 'actions/upload-artifact')[0]?.if).toBe('always()');
  });

  it('suites: each script npm test leaves out (the lock-debugging kernel, x86_64, arm) in a job of its own', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const suites = job('suites').strategy?.matrix['suite'] ?? [];
    expect(suites).toEqual(['debug', 'x86_64', 'arm']);
    for (const s of suites) expect(pkg.scripts[`test:${String(s)}`], String(s)).toBeDefined();
    expect(runs('suites')).toContain('npm run test:${{ matrix.suite }}');
  });

  it('the README names the workflow and the commands it splits', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readme.includes('bash scripts/setup && npm start')).toBe(true);
    expect(readme.includes('.github/workflows/vslab.yml')).toBe(true);
  });
});
