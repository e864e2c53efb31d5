/**
 * The ABI suite of one architecture, as `vslab matrix` runs it: the vitest files the arches tests
 * run (npm run test:<arch>) — the row's own file (tests/arches/<arch>.test.ts: its syscall slot,
 * struct layouts, compat entry, disk) and the
 * architecture-neutral ABI files under VSLAB_ARCH — run by vitest itself, with the JSON reporter
 * read back. The paper's examples that the row's file also defines are left out of this run
 * (--testNamePattern): the matrix runs them with the code `vslab examples` uses.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { EXAMPLES } from '../examples/catalog.ts';
import { pathExists } from '../host.ts';
import type { Arch } from '../machine/arch.ts';
import type { BackendName } from '../machine/machine.ts';
import { repoRoot } from '../paths.ts';

/**
 * The ABI files that run on any row (under VSLAB_ARCH): they name no architecture and their
 * encoders follow the guest's word size and byte order (tests/abi/helpers.ts). cflags is not
 * among them (IGNEG_NICE calls nice(2), which the generic-table architectures lack).
 */
export const NEUTRAL_ABI_FILES: readonly string[] = [
  'tests/abi/ccaps.test.ts',
  'tests/abi/context-attrs.test.ts',
  'tests/abi/contexts.test.ts',
  'tests/abi/network.test.ts',
];

/** The row's own ABI file, where it has one (tests/arches/<arch>.test.ts; i386's suites are the vm project's). */
export async function archAbiFile(arch: Arch): Promise<string | undefined> {
  const f = `tests/arches/${arch}.test.ts`;
  return (await pathExists(join(repoRoot, f))) ? f : undefined;
}

/** A test name pattern that leaves out the paper's examples (one test each, named "E01 …"). */
export function withoutExamplesPattern(ids: readonly string[] = EXAMPLES.map((e) => e.id)): string {
  return `^(?!.*\\b(?:${ids.join('|')}) )`;
}

/** vitest's argument vector for the suite (the projects that hold the files: vm and arches). */
export function abiSuiteArgs(files: readonly string[], jsonPath: string): string[] {
  return [
    'run',
    '--project',
    'vm',
    '--project',
    'arches',
    ...files,
    '--testNamePattern',
    withoutExamplesPattern(),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${jsonPath}`,
  ];
}

export type AbiTestStatus = 'passed' | 'failed' | 'skipped' | 'todo';

export interface AbiTest {
  file: string;
  name: string;
  status: AbiTestStatus;
  durationMs: number;
  failure?: string;
}

export interface AbiSuiteResult {
  files: string[];
  /** The tests vitest ran or skipped; the examples the pattern left out are not among them. */
  tests: AbiTest[];
  passed: number;
  failed: number;
  skipped: number;
  /** vitest's exit status (a file that did not load fails the run with no test failing). */
  exitCode: number;
  verdict: 'pass' | 'fail';
  /** Where vitest's own output went. */
  logPath: string;
}

interface VitestJson {
  testResults?: Array<{
    name?: string;
    message?: string;
    assertionResults?: Array<{ fullName?: string; title?: string; status?: string; duration?: number | null; failureMessages?: string[] }>;
  }>;
}

/** The tests of vitest's JSON report (jest's format); examples left out by the pattern are dropped. */
export function parseVitestJson(text: string, root = repoRoot): AbiTest[] {
  const doc = JSON.parse(text) as VitestJson;
  const tests: AbiTest[] = [];
  const notExample = new RegExp(withoutExamplesPattern());
  for (const file of doc.testResults ?? []) {
    const rel = (file.name ?? '').startsWith(`${root}/`) ? (file.name ?? '').slice(root.length + 1) : (file.name ?? '');
    const results = file.assertionResults ?? [];
    // A file that failed to load (a syntax error, a failing hook) has no tests but a message.
    if (results.length === 0 && file.message !== undefined && file.message !== '') {
      tests.push({ file: rel, name: '(file)', status: 'failed', durationMs: 0, failure: file.message });
    }
    for (const t of results) {
      const name = t.fullName ?? t.title ?? '?';
      const status: AbiTestStatus = t.status === 'passed' ? 'passed' : t.status === 'failed' ? 'failed' : t.status === 'todo' ? 'todo' : 'skipped';
      // Tests the pattern excluded are reported as skipped: they are the examples, run elsewhere.
      if (status === 'skipped' && !notExample.test(name)) continue;
      const failure = (t.failureMessages ?? []).join('\n');
      tests.push({ file: rel, name, status, durationMs: Math.round(t.duration ?? 0), ...(failure !== '' ? { failure } : {}) });
    }
  }
  return tests;
}

export function summarizeAbi(files: string[], tests: AbiTest[], exitCode: number, logPath: string): AbiSuiteResult {
  const n = (s: AbiTestStatus): number => tests.filter((t) => t.status === s).length;
  const passed = n('passed');
  const failed = n('failed');
  return {
    files,
    tests,
    passed,
    failed,
    skipped: n('skipped') + n('todo'),
    exitCode,
    verdict: failed === 0 && exitCode === 0 && passed > 0 ? 'pass' : 'fail',
    logPath,
  };
}

export interface RunAbiOptions {
  arch: Arch;
  backend: BackendName;
  /** vitest's output goes here, whole. */
  logPath: string;
  progress?: (line: string) => void;
}

/** Runs the suite in a child vitest (the kernel and guest image must be built: VSLAB_PREBUILD=none). */
export async function runAbiSuite(opts: RunAbiOptions): Promise<AbiSuiteResult> {
  const own = await archAbiFile(opts.arch);
  const files = [...(own !== undefined ? [own] : []), ...NEUTRAL_ABI_FILES];
  const jsonPath = `${opts.logPath}.json`;
  await mkdir(dirname(opts.logPath), { recursive: true });
  await rm(jsonPath, { force: true });
  const log = createWriteStream(opts.logPath);
  const child = execa(join(repoRoot, 'node_modules', '.bin', 'vitest'), abiSuiteArgs(files, jsonPath), {
    cwd: repoRoot,
    env: { VSLAB_ARCH: opts.arch, VSLAB_BACKEND: opts.backend, VSLAB_PREBUILD: 'none', FORCE_COLOR: '0', NO_COLOR: '1' },
    reject: false,
    all: true,
    buffer: false,
    stdin: 'ignore',
  });
  let partial = '';
  child.all?.on('data', (chunk: Buffer) => {
    log.write(chunk);
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (/^\s*(✓|×|↓|❯|Test Files|Tests)\s/.test(l)) opts.progress?.(`${opts.arch}/${opts.backend} abi: ${l.trim()}`);
  });
  const r = await child;
  await new Promise<void>((done) => log.end(done));
  const tests = (await pathExists(jsonPath)) ? parseVitestJson(await readFile(jsonPath, 'utf8')) : [];
  if (tests.length === 0)
    tests.push({
      file: files.join(' '),
      name: '(vitest)',
      status: 'failed',
      durationMs: 0,
      failure: `vitest wrote no report (exit ${r.exitCode ?? 'signal'}); see ${opts.logPath}`,
    });
  return summarizeAbi(files, tests, r.exitCode ?? 1, opts.logPath);
}
