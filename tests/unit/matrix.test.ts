/**
 * vslab matrix without a kernel: the --shard arithmetic, the flow over columns (n/a pairs, a
 * blocked build that does not stop the others), the arch × example table and its reports, and
 * the reading of vitest's JSON report for the ABI suite.
 */
import { describe, expect, it } from 'vitest';
import { ARCHES, type Arch } from '../../harness/machine/arch.ts';
import type { BackendName } from '../../harness/machine/machine.ts';
import { abiSuiteArgs, NEUTRAL_ABI_FILES, parseVitestJson, summarizeAbi, withoutExamplesPattern, type AbiSuiteResult } from '../../harness/matrix/abi-suite.ts';
import { exampleCell, matrixExitStatus, runMatrix, type MatrixSteps } from '../../harness/matrix/matrix.ts';
import { matrixHtml, matrixJunit, matrixTable } from '../../harness/matrix/report.ts';
import { parseShard, shardSlice } from '../../harness/matrix/shard.ts';
import { findExamples } from '../../harness/examples/catalog.ts';
import type { Report } from '../../harness/report/summary.ts';
import { UsageError } from '../../harness/errors.ts';
import { sampleReport } from './sample-report.ts';
import { ARCH_SUITES } from '../arches/global-setup.ts';

describe('--shard I/N', () => {
  it('parses I/N with 1 <= I <= N and refuses anything else', () => {
    expect(parseShard('1/6')).toEqual({ index: 1, count: 6 });
    expect(parseShard(' 6/6 ')).toEqual({ index: 6, count: 6 });
    for (const bad of ['0/6', '7/6', '1/0', '1', '/6', 'a/b', '1/6/2', '-1/6', '1.5/6', '']) expect(() => parseShard(bad), bad).toThrow(UsageError);
  });

  it("gives one architecture per job when N equals their number, in the table's order", () => {
    expect(ARCHES.map((_, i) => shardSlice(ARCHES, { index: i + 1, count: ARCHES.length }))).toEqual(ARCHES.map((a) => [a]));
  });

  it('covers the list exactly once for every N, slices in order and differing by one at most', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
    for (let len = 0; len <= items.length; len++) {
      const list = items.slice(0, len);
      for (let n = 1; n <= 12; n++) {
        const slices = Array.from({ length: n }, (_, i) => shardSlice(list, { index: i + 1, count: n }));
        expect(slices.flat(), `${len} items in ${n}`).toEqual(list);
        const sizes = slices.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes), `${len} items in ${n}`).toBeLessThanOrEqual(1);
      }
    }
    expect(shardSlice(['a', 'b', 'c'], { index: 2, count: 2 })).toEqual(['b', 'c']);
    expect(shardSlice(['a', 'b'], { index: 1, count: 4 })).toEqual([]);
    expect(shardSlice(['a', 'b'], { index: 2, count: 4 })).toEqual(['a']);
  });
});

const report = (arch: Arch, backend: BackendName, verdicts: Record<string, 'pass' | 'fail'>): Report => ({
  info: { ...sampleReport.info, arch, backend: `${backend} tcg` },
  results: Object.entries(verdicts).map(([id, verdict]) => ({
    id,
    title: id,
    section: '1',
    demonstrates: '',
    verdict,
    ...(verdict === 'fail' ? { reason: `${id} broke on ${arch}` } : {}),
    steps: [],
    invariants: [],
    durationMs: 5,
  })),
});

const abi = (passed: number, failed: number): AbiSuiteResult =>
  summarizeAbi(
    ['tests/arches/x.test.ts'],
    [
      ...Array.from({ length: passed }, (_, i) => ({ file: 'tests/abi/contexts.test.ts', name: `ok ${i}`, status: 'passed' as const, durationMs: 1 })),
      ...Array.from({ length: failed }, (_, i) => ({
        file: 'tests/abi/network.test.ts',
        name: `bad ${i}`,
        status: 'failed' as const,
        durationMs: 1,
        failure: 'expected 1 to be 2\nat …',
      })),
    ],
    failed > 0 ? 1 : 0,
    '/tmp/x.log',
  );

describe('runMatrix and its table', () => {
  const examples = findExamples(['E01', 'E02']);
  const calls: string[] = [];
  const steps: MatrixSteps = {
    build: async (arch) => {
      calls.push(`build ${arch}`);
      if (arch === 'ppc64el') throw new Error('gcc-powerpc64le-linux-gnu missing\nmore');
    },
    examples: async (_ex, arch, backend) => {
      calls.push(`examples ${arch}/${backend}`);
      return report(arch, backend, { E01: 'pass', E02: arch === 's390x' ? 'fail' : 'pass' });
    },
    abi: async ({ arch, backend }) => {
      calls.push(`abi ${arch}/${backend}`);
      return abi(10, arch === 'arm64' ? 1 : 0);
    },
  };

  it('runs each applicable column, builds once per architecture, and goes on past a blocked one', async () => {
    const m = await runMatrix({ arches: ['i386', 'ppc64el', 's390x'], backends: ['qemu', 'v86'], examples, logDir: '/tmp', steps });
    expect(calls).toEqual([
      'build i386',
      'examples i386/qemu',
      'abi i386/qemu',
      'examples i386/v86',
      'abi i386/v86',
      'build ppc64el',
      'build s390x',
      'examples s390x/qemu',
      'abi s390x/qemu',
    ]);
    expect(m.columns.map((c) => [c.arch, c.backend, c.status])).toEqual([
      ['i386', 'qemu', 'ran'],
      ['i386', 'v86', 'ran'],
      ['ppc64el', 'qemu', 'blocked'],
      ['ppc64el', 'v86', 'not-applicable'],
      ['s390x', 'qemu', 'ran'],
      ['s390x', 'v86', 'not-applicable'],
    ]);
    expect(m.columns[2]?.reason).toBe('build: gcc-powerpc64le-linux-gnu missing\nmore');
    expect(m.columns.map((c) => exampleCell(c, 'E02'))).toEqual(['pass', 'pass', 'blocked', 'not-applicable', 'fail', 'not-applicable']);
    expect(matrixExitStatus(m)).toBe(1);

    const table = matrixTable(m).split('\n');
    expect(table[2]).toMatch(/^id\s+title\s+i386\/qemu\s+i386\/v86\s+ppc64el\/qemu\s+ppc64el\/v86\s+s390x\/qemu\s+s390x\/v86$/);
    /** The cells of the row ID, one a column (past the id and the title). */
    const cells = (id: string): string[] | undefined =>
      table
        .find((l) => l.startsWith(id))
        ?.split(/\s{2,}/)
        .slice(2);
    expect(cells('E02')).toEqual(['pass', 'pass', 'blocked', 'n/a', 'FAIL', 'n/a']);
    expect(cells('ABI')).toEqual(['10/10', '10/10', 'blocked', 'n/a', '10/10', 'n/a']);
    const text = table.join('\n');
    expect(text).toContain('examples: 5 passed, 1 failed, 0 not implemented, 2 blocked, 4 not applicable');
    expect(text).toContain('ppc64el/qemu: blocked: build: gcc-powerpc64le-linux-gnu missing');
    expect(text).toContain('s390x/qemu E02: E02 broke on s390x');
    expect(text).toContain('not applicable: ppc64el/v86, s390x/v86');
  });

  it('names the columns by architecture alone with one backend; an ABI failure fails the run', async () => {
    const m = await runMatrix({ arches: ['arm64'], backends: ['qemu'], examples, logDir: '/tmp', steps, shard: { index: 4, count: 6 } });
    const t = matrixTable(m);
    expect(t.split('\n')[0]).toBe('vslab matrix (shard 4/6): 1 column(s), 2 example(s)');
    expect(t).toMatch(/^id\s+title\s+arm64$/m);
    expect(t).toMatch(/^ABI\s+.*FAIL 10\/11$/m);
    expect(t).toContain('arm64 ABI tests/abi/network.test.ts: bad 0: expected 1 to be 2');
    expect(matrixExitStatus(m)).toBe(1);
  });

  it('exits 0 when all pass and v86 pairs are n/a, 2 when a column is blocked and nothing failed', async () => {
    const pass: MatrixSteps = { ...steps, examples: async (_e, a, b) => report(a, b, { E01: 'pass', E02: 'pass' }), abi: async () => abi(3, 0) };
    expect(matrixExitStatus(await runMatrix({ arches: ['i386', 'arm'], backends: ['qemu', 'v86'], examples, logDir: '/tmp', steps: pass }))).toBe(0);
    expect(matrixExitStatus(await runMatrix({ arches: ['ppc64el'], backends: ['qemu'], examples, logDir: '/tmp', steps: pass }))).toBe(2);
  });

  it("writes JUnit with the examples' testsuites, the ABI suites, n/a as skipped and blocked as an error; HTML with the table", async () => {
    const m = await runMatrix({ arches: ['ppc64el', 's390x'], backends: ['qemu', 'v86'], examples, logDir: '/tmp', steps });
    const x = matrixJunit(m);
    expect(x).toContain('<testsuite name="vslab examples (qemu tcg, s390x)"');
    expect(x).toContain('<testsuite name="vslab ABI suite (s390x/qemu)" tests="10" failures="0"');
    expect(x).toContain('<error message="build: gcc-powerpc64le-linux-gnu missing">');
    expect(x.match(/<skipped message="not applicable: v86 does not emulate (ppc64el|s390x)"\/>/g)).toHaveLength(2);
    const h = matrixHtml(m, new Map([['s390x/qemu', 'm-s390x-qemu.html']]));
    expect(h).toContain('<th><a href="m-s390x-qemu.html">s390x/qemu</a></th>');
    expect(h).toContain(
      '<td><span class="v fail" title="E02 broke on s390x">FAIL</span></td><td><span class="v not-implemented" title="v86 does not emulate s390x">n/a</span></td></tr>',
    );
  });
});

describe("the ABI suite's vitest run", () => {
  it("runs the row's file and the neutral files, leaving the paper's examples out by name", () => {
    const args = abiSuiteArgs(['tests/arches/s390x.test.ts', ...NEUTRAL_ABI_FILES], '/tmp/a.json');
    expect(args.slice(0, 5)).toEqual(['run', '--project', 'vm', '--project', 'arches']);
    expect(args).toContain('--outputFile.json=/tmp/a.json');
    const pattern = new RegExp(withoutExamplesPattern(['E01', 'E21']));
    expect(pattern.test('sys_vserver on s390x E01 Security contexts: what (s390x)')).toBe(false);
    expect(pattern.test('s390x E21 x')).toBe(false);
    expect(pattern.test('s390x ctx_rlimit_v0 is 32 bytes')).toBe(true);
    expect(pattern.test('ESRCH for E1 and E011x')).toBe(true);
  });

  it("reads vitest's JSON report: statuses, failures, files that did not load; the examples it skipped are dropped", () => {
    const json = JSON.stringify({
      testResults: [
        {
          name: '/r/tests/arches/s390x.test.ts',
          assertionResults: [
            { fullName: 'on s390x slot 263', status: 'passed', duration: 12.4 },
            { fullName: 'on s390x E01 Contexts: x (s390x)', status: 'skipped' },
            { fullName: 'on s390x layouts', status: 'failed', duration: 3, failureMessages: ['expected a to be b'] },
            { fullName: 'on s390x not yet', status: 'pending' },
          ],
        },
        { name: '/r/tests/abi/network.test.ts', message: 'Hook timed out', assertionResults: [] },
      ],
    });
    const tests = parseVitestJson(json, '/r');
    expect(tests).toEqual([
      { file: 'tests/arches/s390x.test.ts', name: 'on s390x slot 263', status: 'passed', durationMs: 12 },
      { file: 'tests/arches/s390x.test.ts', name: 'on s390x layouts', status: 'failed', durationMs: 3, failure: 'expected a to be b' },
      { file: 'tests/arches/s390x.test.ts', name: 'on s390x not yet', status: 'skipped', durationMs: 0 },
      { file: 'tests/abi/network.test.ts', name: '(file)', status: 'failed', durationMs: 0, failure: 'Hook timed out' },
    ]);
    expect(summarizeAbi([], tests, 1, 'l')).toMatchObject({ passed: 1, failed: 2, skipped: 1, verdict: 'fail' });
    expect(summarizeAbi([], tests.slice(0, 1), 0, 'l').verdict).toBe('pass');
    expect(summarizeAbi([], tests.slice(0, 1), 1, 'l').verdict).toBe('fail');
  });
});

describe('npm run test:<arch> and the matrix run the same ABI files', () => {
  it("each test:<arch> script (one per file of tests/arches) runs scripts/test-arch, which names the row's own file and NEUTRAL_ABI_FILES, as the matrix does", async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { repoRoot } = await import('../../harness/paths.ts');
    const { archAbiFile } = await import('../../harness/matrix/abi-suite.ts');
    const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const suites = readdirSync(join(repoRoot, 'tests', 'arches'))
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => f.replace('.test.ts', ''));
    expect([...suites].sort()).toEqual([...ARCH_SUITES].sort());
    const runner = readFileSync(join(repoRoot, 'scripts', 'test-arch'), 'utf8');
    const files = [...runner.matchAll(/tests\/[\w$/.-]+\.test\.ts/g)].map((m) => m[0]);
    expect(files).toEqual(['tests/arches/$arch.test.ts', ...NEUTRAL_ABI_FILES]);
    expect(runner).toMatch(/^export VSLAB_ARCH="\$arch"$/m);
    for (const arch of ARCH_SUITES) {
      expect(scripts[`test:${arch}`], arch).toBe(`scripts/test-arch ${arch}`);
      expect(await archAbiFile(arch), arch).toBe(`tests/arches/${arch}.test.ts`);
    }
    expect(scripts['test:matrix']).toMatch(/^bin\/vslab matrix /);
  });
});
