/**
 * KCIDB v5.3 output (harness/report/kcidb*.ts): documents that the schema subset accepts, checked
 * with ajv; statuses and paths as KCIDB wants them; the patchset hash as KCIDB defines it.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KernelArtifact } from '../../harness/build/kernel.ts';
import { BootTimeoutError } from '../../harness/errors.ts';
import type { Example } from '../../harness/examples/types.ts';
import { excerpt, exampleStatus, exampleTests, kcidbDocument, LOG_EXCERPT_MAX, pathPart } from '../../harness/report/kcidb.ts';
import { newRunId, patchsetHash, publicHttpsUrl } from '../../harness/report/kcidb-context.ts';
import { examplesKcidb } from '../../harness/report/kcidb-examples.ts';
import { bootTests, overheadTests } from '../../harness/bench/kcidb.ts';
import type { Mode } from '../../harness/bench/vsbench.ts';
import { parseKselftestOutput } from '../../harness/selftests/ktap.ts';
import { selftestTests } from '../../harness/selftests/kcidb.ts';
import type { SelftestRun } from '../../harness/selftests/run.ts';
import { kcidbErrors, kcidbValidator } from './kcidb-schema.ts';
import { sampleReport } from './sample-report.ts';

const validate = kcidbValidator();
const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
const CHECKOUT = {
  gitCommitHash: 'e8c1ae5aa27fc229025c7dedc852af674e053556',
  gitCommitName: 'e8c1ae5-dirty',
  gitBranch: 'main',
  patchsetHash: sha('x'),
  debianVersion: '6.1.176-1',
};
const BUILD = {
  arch: 'i386',
  variant: 'vserver',
  key: 'i386-vserver-26b005126a53c651',
  status: 'PASS' as const,
  compiler: 'gcc (Debian 12.2.0-14) 12.2.0',
  configName: 'allnoconfig+base.config+vserver.config',
  durationSeconds: 240,
  startTime: '2026-12-06T10:00:00.000Z',
  logExcerpt: '  LD      vmlinux\nKernel: arch/x86/boot/bzImage is ready',
};

function sampleDoc() {
  return kcidbDocument({
    runId: 'run1',
    checkout: CHECKOUT,
    builds: [BUILD],
    tests: exampleTests(sampleReport.results, () => BUILD.key, 'qemu-system-i386 tcg'),
  });
}

describe('KCIDB documents', () => {
  it('an examples run is a valid v5.3 document: one checkout, the build, one test per example', () => {
    const doc = sampleDoc();
    expect(kcidbErrors(validate, doc)).toBe('');
    expect(doc.version).toEqual({ major: 5, minor: 3 });
    expect(doc.checkouts).toHaveLength(1);
    const c = doc.checkouts[0];
    expect(c).toMatchObject({
      origin: 'vslab',
      git_commit_hash: CHECKOUT.gitCommitHash,
      git_commit_name: 'e8c1ae5-dirty',
      git_repository_branch: 'main',
      patchset_hash: CHECKOUT.patchsetHash,
      tree_name: 'vslab',
    });
    expect(c?.id).toMatch(/^vslab:e8c1ae5aa27fc229025c7dedc852af674e053556\+[0-9a-f]{16}$/);
    expect(doc.builds[0]).toMatchObject({
      checkout_id: c?.id,
      architecture: 'i386',
      compiler: BUILD.compiler,
      config_name: BUILD.configName,
      duration: 240,
      status: 'PASS',
    });
    expect(doc.tests.map((t) => [t.path, t.status])).toEqual([
      ['vslab.examples.E11', 'PASS'],
      ['vslab.examples.E12', 'FAIL'],
      ['vslab.examples.E21', 'SKIP'],
    ]);
    for (const t of doc.tests) expect(t.build_id).toBe(doc.builds[0]?.id);
    expect(new Set(doc.tests.map((t) => t.id)).size).toBe(3);
  });

  it('a failed example carries its reason and transcript as the log excerpt; a passed one none', () => {
    const [pass, fail, skip] = sampleDoc().tests;
    expect(pass?.log_excerpt).toBeUndefined();
    expect(fail?.log_excerpt).toContain('E12: the loop ends with SIGXCPU: status=137');
    expect(fail?.log_excerpt).toContain('$ loop\nstatus=137\nKilled');
    expect(fail?.log_excerpt).toContain('[exit 137]');
    expect(skip?.misc).toMatchObject({ reason: 'missing: the vcontext tool' });
  });

  it('a failure the harness caused is ERROR; a splat or a command the kernel never let finish is FAIL', () => {
    const [, failed] = sampleReport.results;
    if (failed === undefined) throw new Error('sample');
    const statuses = ['PROTOCOL_ERROR', 'MACHINE_EXITED', 'INTERNAL', 'KERNEL_SPLAT', 'COMMAND_TIMEOUT', undefined].map((errorCode) =>
      exampleStatus({ ...failed, errorCode }),
    );
    expect(statuses).toEqual(['ERROR', 'ERROR', 'ERROR', 'FAIL', 'FAIL', 'FAIL']);
  });

  it('keeps log excerpts within the schema limit (the tail, from a line start) and without NULs', () => {
    const long = `${'early line\n'.repeat(5000)}the end\0`;
    const e = excerpt(long);
    expect(e.length).toBeLessThanOrEqual(LOG_EXCERPT_MAX);
    expect(e.startsWith('early line\n')).toBe(true);
    expect(e.endsWith('the end')).toBe(true);
    const doc = kcidbDocument({ runId: 'r', checkout: CHECKOUT, builds: [{ ...BUILD, logExcerpt: long }], tests: [] });
    expect(kcidbErrors(validate, doc)).toBe('');
  });

  it('makes path components of any name and leaves out what is not known', () => {
    expect(pathPart('qemu tcg')).toBe('qemu_tcg');
    expect(pathPart('in-guest')).toBe('in-guest');
    expect(pathPart('...')).toBe('_');
    const doc = kcidbDocument({
      runId: 'r',
      checkout: { patchsetHash: '' },
      builds: [],
      tests: [{ path: ['bench', 'boot', 'qemu kvm', 'boot time'], buildKey: 'k', status: 'DONE', number: { value: 1.5, unit: 's', prefix: 'metric' } }],
    });
    expect(kcidbErrors(validate, doc)).toBe('');
    expect(doc.checkouts[0]?.id).toBe('vslab:nogit');
    expect(doc.checkouts[0]).not.toHaveProperty('git_commit_hash');
    expect(doc.tests[0]).toMatchObject({ path: 'vslab.bench.boot.qemu_kvm.boot_time', status: 'DONE', number: { value: 1.5, unit: 's', prefix: 'metric' } });
  });

  it('the schema subset can fail: a wrong status, a bad path, a null, an unknown field, a long excerpt, a wrong version', () => {
    const doc = sampleDoc();
    const bad = (mutate: (d: ReturnType<typeof sampleDoc>) => void): string => {
      const d = structuredClone(doc);
      mutate(d);
      return kcidbErrors(validate, d);
    };
    expect(bad((d) => Object.assign(d.tests[0] ?? {}, { status: 'OK' }))).toMatch(/status/);
    expect(bad((d) => Object.assign(d.tests[0] ?? {}, { path: 'vslab examples' }))).toMatch(/path/);
    expect(bad((d) => Object.assign(d.builds[0] ?? {}, { compiler: null }))).toMatch(/compiler/);
    expect(bad((d) => Object.assign(d.checkouts[0] ?? {}, { colour: 'blue' }))).toMatch(/additional/);
    expect(bad((d) => Object.assign(d.builds[0] ?? {}, { log_excerpt: 'x'.repeat(LOG_EXCERPT_MAX + 1) }))).toMatch(/log_excerpt/);
    expect(bad((d) => Object.assign(d.version, { major: 4 }))).toMatch(/version/);
    expect(bad((d) => Object.assign(d.tests[0] ?? {}, { id: 'no origin' }))).toMatch(/id/);
    expect(bad((d) => Object.assign(d.checkouts[0] ?? {}, { git_repository_url: 'not a url' }))).toMatch(/git_repository_url/);
  });
});

describe('KCIDB benchmark rows', () => {
  const VANILLA = { ...BUILD, variant: 'vanilla', key: 'i386-vanilla-a0355f29c3c42c70' };

  it('bench:overhead: one DONE test per benchmark and place, the median in seconds, compared across builds by path', () => {
    const results = new Map<string, Map<Mode, number[]>>([
      [
        'null',
        new Map<Mode, number[]>([
          ['vanilla', [400, 440, 420]],
          ['host', [430, 450, 470]],
          ['guest', [500]],
        ]),
      ],
    ]);
    const tests = overheadTests(results, (m) => (m === 'vanilla' ? VANILLA.key : BUILD.key), 'qemu-system-i386 tcg');
    const doc = kcidbDocument({ runId: 'r', checkout: CHECKOUT, builds: [VANILLA, BUILD], tests });
    expect(kcidbErrors(validate, doc)).toBe('');
    expect(doc.tests.map((t) => [t.path, t.build_id.endsWith(VANILLA.key) ? 'vanilla' : 'vserver', t.status, t.number])).toEqual([
      ['vslab.bench.overhead.null.host', 'vanilla', 'DONE', { value: 420e-9, unit: 's', prefix: 'metric' }],
      ['vslab.bench.overhead.null.host', 'vserver', 'DONE', { value: 450e-9, unit: 's', prefix: 'metric' }],
      ['vslab.bench.overhead.null.guest', 'vserver', 'DONE', { value: 500e-9, unit: 's', prefix: 'metric' }],
    ]);
    expect(doc.tests[1]?.misc).toMatchObject({ mode: 'host', samples_ns: [430, 450, 470], ratio_to_vanilla: 450 / 420 });
    expect(doc.tests[0]?.misc).not.toHaveProperty('ratio_to_vanilla');
  });

  it("bench:boot: boot, snapshot restore and round trip per backend, in seconds, on the variant's build", () => {
    const tests = bootTests(
      [
        { backend: 'qemu tcg', variant: 'vanilla', bootMs: [3000, 2000, 4000], restoreMs: [200, 100, 300], roundTripMs: [5, 7, 6] },
        { backend: 'v86', variant: 'vserver', bootMs: [9000], roundTripMs: [] },
      ],
      (v) => (v === 'vanilla' ? VANILLA.key : BUILD.key),
    );
    const doc = kcidbDocument({ runId: 'r', checkout: CHECKOUT, builds: [VANILLA, BUILD], tests });
    expect(kcidbErrors(validate, doc)).toBe('');
    expect(doc.tests.map((t) => [t.path, t.number?.value])).toEqual([
      ['vslab.bench.boot.qemu_tcg.boot', 3],
      ['vslab.bench.boot.qemu_tcg.restore', 0.2],
      ['vslab.bench.boot.qemu_tcg.round_trip', 0.006],
      ['vslab.bench.boot.v86.boot', 9],
    ]);
    expect(doc.tests[3]?.build_id.endsWith(BUILD.key)).toBe(true);
  });
});

describe('KCIDB selftest rows', () => {
  const OUTPUT = [
    'TAP version 13',
    '1..3',
    '# selftests: mqueue: mq_open_tests',
    '# ok 1 queue opens',
    'ok 1 selftests: mqueue: mq_open_tests',
    '# selftests: mqueue: mq_perf_tests',
    '# not ok 1 priority order',
    'not ok 2 selftests: mqueue: mq_perf_tests # exit=1',
    '# selftests: net: reuseport_bpf.sh',
    'not ok 3 selftests: net: reuseport_bpf.sh # TIMEOUT 45 seconds',
    '',
  ].join('\n');
  const run = (place: 'host' | 'guest', aborted?: SelftestRun['aborted']): SelftestRun => ({
    arch: 'i386',
    variant: 'vserver',
    place,
    kernel: '6.1.192 #1 SMP',
    results: parseKselftestOutput(OUTPUT),
    ktap: OUTPUT,
    bootMs: 1,
    durationMs: 2,
    aborted,
  });

  it('one test per program: PASS, FAIL with its output and exit status, ERROR for a timeout', () => {
    const doc = kcidbDocument({ runId: 'r', checkout: CHECKOUT, builds: [BUILD], tests: selftestTests(run('host'), BUILD.key) });
    expect(kcidbErrors(validate, doc)).toBe('');
    expect(doc.tests.map((t) => [t.path, t.status])).toEqual([
      ['vslab.selftests.mqueue.mq_open_tests', 'PASS'],
      ['vslab.selftests.mqueue.mq_perf_tests', 'FAIL'],
      ['vslab.selftests.net.reuseport_bpf_sh', 'ERROR'],
    ]);
    expect(doc.tests[1]?.log_excerpt).toBe('not ok 1 priority order\nexit=1');
    expect(doc.tests[1]?.misc).toMatchObject({ exit_code: 1, subtests: { pass: 0, fail: 1, skip: 0, timeout: 0 } });
    expect(doc.tests[0]?.environment).toEqual({ comment: 'vserver/host: 6.1.192 #1 SMP' });
  });

  it('inside a guest under its own path; a run a splat stopped fails the collection it stopped in', () => {
    const tests = selftestTests(run('guest', { collection: 'pidfd', message: 'kernel bug: BUG: unable to handle page fault' }), BUILD.key);
    expect(tests.map((t) => t.path.join('.'))).toEqual([
      'selftests_in_guest.mqueue.mq_open_tests',
      'selftests_in_guest.mqueue.mq_perf_tests',
      'selftests_in_guest.net.reuseport_bpf.sh',
      'selftests_in_guest.pidfd',
    ]);
    expect(tests[3]).toMatchObject({ status: 'FAIL', logExcerpt: 'kernel bug: BUG: unable to handle page fault' });
  });
});

describe('KCIDB context', () => {
  it('patchset hash: sha256 over the newline-terminated sha256 of each patch in series order, then each new file in path order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vslab-kcidb-'));
    await mkdir(join(dir, 'patches'), { recursive: true });
    await mkdir(join(dir, 'files', 'kernel', 'vserver'), { recursive: true });
    await writeFile(join(dir, 'patches', 'series'), '# our series\n0002-b.patch\n0001-a.patch\n\n');
    await writeFile(join(dir, 'patches', '0001-a.patch'), 'A');
    await writeFile(join(dir, 'patches', '0002-b.patch'), 'B');
    await writeFile(join(dir, 'files', 'kernel', 'vserver', 'context.c'), 'C');
    await writeFile(join(dir, 'files', 'Kconfig'), 'K');
    expect(await patchsetHash(dir)).toBe(sha(`${sha('B')}\n${sha('A')}\n${sha('K')}\n${sha('C')}\n`));
    expect(await patchsetHash(join(dir, 'nothing-here'))).toBe('');
  });

  it('repository URLs: https only, credentials removed', () => {
    expect(publicHttpsUrl('https://x-access-token:secret@github.com/o/vslab.git')).toBe('https://github.com/o/vslab.git');
    expect(publicHttpsUrl('git@github.com:o/vslab.git')).toBeUndefined();
    expect(publicHttpsUrl(undefined)).toBeUndefined();
  });

  it('run ids differ between runs', () => {
    const now = new Date('2026-12-06T20:00:00.123Z');
    expect(newRunId(now)).toMatch(/^20261206T200000Z-[0-9a-f]{8}$/);
    expect(newRunId(now)).not.toBe(newRunId(now));
  });

  it('a run that broke off: what ran keeps its status, the examples that never ran are MISS with the error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vslab-kcidb-k-'));
    await writeFile(join(dir, 'build.log'), 'make ...\nKernel: arch/x86/boot/bzImage is ready\n');
    const kernel: KernelArtifact = {
      arch: 'i386',
      variant: 'vserver',
      image: join(dir, 'bzImage'),
      config: join(dir, 'config'),
      manifest: {
        arch: 'i386',
        variant: 'vserver',
        key: BUILD.key,
        debianPackage: 'linux-source-6.1',
        debianVersion: '6.1.176-1',
        kernelVersion: '6.1.176',
        patchHash: 'abc',
        compiler: BUILD.compiler,
        buildSeconds: 200,
        builtAt: '2026-12-06T10:03:20.000Z',
      },
    };
    const ex = (id: string): Example => ({
      id,
      title: `example ${id}`,
      section: '03.1',
      demonstrates: '',
      steps: [{ name: 'true', command: 'true' }],
      invariants: [],
    });
    const done = sampleReport.results.slice(0, 2).map((r) => ({ ...r, variant: 'vserver' as const }));
    const doc = await examplesKcidb({
      arch: 'i386',
      examples: [ex('E11'), ex('E12'), ex('E13')],
      results: done,
      kernels: [kernel],
      error: new BootTimeoutError(60000, 'tail'),
    });
    expect(kcidbErrors(validate, doc)).toBe('');
    expect(doc.builds).toHaveLength(1);
    expect(doc.builds[0]).toMatchObject({
      status: 'PASS',
      duration: 200,
      start_time: '2026-12-06T10:00:00.000Z',
      config_name: 'allnoconfig+base.config+i386.config+parity-i386.config+vserver.config+vserver-i386.config',
    });
    expect(doc.builds[0]?.log_excerpt).toContain('bzImage is ready');
    expect(doc.tests.map((t) => [t.path, t.status])).toEqual([
      ['vslab.examples.E11', 'PASS'],
      ['vslab.examples.E12', 'FAIL'],
      ['vslab.examples.E13', 'MISS'],
    ]);
    expect(doc.tests[2]?.log_excerpt).toMatch(/^BOOT_TIMEOUT: guest did not reach its shell/);
    expect(doc.checkouts[0]?.patchset_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
