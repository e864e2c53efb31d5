import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCpio } from '../../harness/build/cpio.ts';
import { buildKernel, cachedKernel, kernelKey } from '../../harness/build/kernel.ts';
import { configMismatches, fragmentNames, KNOWN_VARIANTS, parseConfig, VARIANTS } from '../../harness/build/kernel-config.ts';
import {
  formatDiffstat,
  formatSubsystems,
  newFileBringers,
  parseNewFileRules,
  readPatchSet,
  seriesPrefix,
  subsystemOf,
  touchedPaths,
} from '../../harness/build/patch-tree.ts';
import { buildErrors, buildWarnings } from '../../harness/build/series-check.ts';
import { clearExport, creationDiff, formatMessage, splitPatch } from '../../harness/build/series-export.ts';
import { formatPrefixResult } from '../../harness/cli/patch.ts';

describe('kernel configuration from fragments', () => {
  it('reads both "=y" and "is not set" lines', () => {
    const m = parseConfig('CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C="x y"\n# a comment\n');
    expect([...m]).toEqual([
      ['CONFIG_A', 'y'],
      ['CONFIG_B', 'n'],
      ['CONFIG_C', '"x y"'],
    ]);
  });

  it('names every fragment option that did not land in .config', () => {
    const frag = 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=y\nCONFIG_D=5\n';
    const dot = 'CONFIG_A=y\nCONFIG_B=y\nCONFIG_D=6\n';
    expect(configMismatches(frag, dot)).toEqual(['CONFIG_B: wanted n, got y', 'CONFIG_C: wanted y, got n', 'CONFIG_D: wanted 5, got 6']);
  });

  it('stacks base, arch, vserver and debug fragments per variant', () => {
    expect(fragmentNames('i386', 'vanilla')).toEqual(['base.config', 'i386.config', 'parity-i386.config']);
    expect(fragmentNames('i386', 'vserver-off')).toEqual(['base.config', 'i386.config', 'parity-i386.config']);
    expect(fragmentNames('i386', 'vserver')).toEqual(['base.config', 'i386.config', 'parity-i386.config', 'vserver.config', 'vserver-i386.config']);
    expect(fragmentNames('x86_64', 'vserver-debug')).toEqual(['base.config', 'x86_64.config', 'vserver.config', 'debug.config']);
    expect(fragmentNames('i386', 'vserver-distro')).toEqual([
      'base.config',
      'i386.config',
      'parity-i386.config',
      'vserver.config',
      'vserver-i386.config',
      'distro.config',
      'distro-i386.config',
    ]);
    expect(fragmentNames('x86_64', 'vserver-kasan')).toEqual(['base.config', 'x86_64.config', 'vserver.config', 'debug.config', 'kasan.config']);
  });

  it('builds the sanitizer variant for x86_64 only, and never as part of "all"', async () => {
    expect(VARIANTS).not.toContain('vserver-kasan');
    expect(KNOWN_VARIANTS).toContain('vserver-kasan');
    await expect(buildKernel({ arch: 'i386', variant: 'vserver-kasan' })).rejects.toThrow(/x86_64 only/);
  });
});

describe('patch bookkeeping', () => {
  it('finds the upstream files a patch edits', () => {
    const p =
      'Subject: x\n\ndiff -up a/kernel/fork.c b/kernel/fork.c\n--- a/kernel/fork.c\n+++ b/kernel/fork.c\n@@ -1 +1 @@\n-a\n+b\n--- a/init/Kconfig\n+++ b/init/Kconfig\n';
    expect(touchedPaths(p)).toEqual(['kernel/fork.c', 'init/Kconfig']);
  });

  it('prints a diffstat with totals', () => {
    const s = formatDiffstat([
      { path: 'kernel/a.c', added: 3, removed: 1 },
      { path: 'b.h', added: 0, removed: 2 },
    ]);
    expect(s).toContain(' kernel/a.c |     4 +++-');
    expect(s).toContain(' 2 files changed, 3 insertions(+), 3 deletions(-)');
  });

  it('sizes the patch per subsystem, new files apart from edited upstream files', () => {
    expect(subsystemOf('kernel/vserver/context.c')).toBe('kernel/vserver');
    expect(subsystemOf('kernel/fork.c')).toBe('kernel');
    expect(subsystemOf('arch/x86/entry/syscalls/syscall_32.tbl')).toBe('arch/x86');
    expect(subsystemOf('include/linux/vserver/base.h')).toBe('include/linux/vserver');
    expect(subsystemOf('include/linux/sched.h')).toBe('include/linux');
    expect(subsystemOf('Makefile')).toBe('.');
    const t = formatSubsystems([
      { path: 'kernel/vserver/a.c', added: 100, removed: 0, isNew: true },
      { path: 'kernel/vserver/b.c', added: 50, removed: 0, isNew: true },
      { path: 'kernel/fork.c', added: 7, removed: 2 },
      { path: 'fs/namei.c', added: 3, removed: 1 },
    ]).split('\n');
    expect(t[0]).toMatch(/^ subsystem +new files +edited files +added +removed$/);
    expect(t.slice(1).map((l) => l.trim().split(/ +/))).toEqual([
      ['fs', '0', '1', '+3', '-1'],
      ['kernel', '0', '1', '+7', '-2'],
      ['kernel/vserver', '2', '0', '+150', '-0'],
      ['total', '2', '2', '+160', '-3'],
    ]);
  });
});

describe('the series and its prefixes', () => {
  const series = ['0001-a.patch', '0002-core.patch', '0003-hook.patch'];
  const rules = parseNewFileRules('# comment\nkernel/vserver/   0002-core.patch\nkernel/vserver/late.c 0003-hook.patch\n\n');

  it('reads the new-files rules and gives each new file the patch of its longest match', () => {
    expect(rules).toEqual([
      { path: 'kernel/vserver/', patch: '0002-core.patch' },
      { path: 'kernel/vserver/late.c', patch: '0003-hook.patch' },
    ]);
    const b = newFileBringers(['kernel/vserver/a.c', 'kernel/vserver/late.c'], rules, series);
    expect([...b]).toEqual([
      ['kernel/vserver/a.c', '0002-core.patch'],
      ['kernel/vserver/late.c', '0003-hook.patch'],
    ]);
  });

  it('refuses a new file no rule brings, a rule for a patch outside the series, a malformed or repeated line', () => {
    expect(() => newFileBringers(['fs/proc/vserver.c'], rules, series)).toThrow(/no patch brings the new file fs\/proc\/vserver.c/);
    expect(() => newFileBringers([], parseNewFileRules('x/ 0009-gone.patch'), series)).toThrow(/not in the series/);
    expect(() => parseNewFileRules('x/')).toThrow(/line 1: want "path patch"/);
    expect(() => newFileBringers([], parseNewFileRules('x/ 0001-a.patch\nx/ 0002-core.patch'), series)).toThrow(/named twice/);
  });

  it('cuts a prefix: its patches, the upstream files they own and the new files they bring', () => {
    const set = {
      series,
      owners: new Map([
        ['init/Kconfig', '0002-core.patch'],
        ['kernel/fork.c', '0003-hook.patch'],
      ]),
      newFiles: ['kernel/vserver/a.c', 'kernel/vserver/late.c'],
      bringers: newFileBringers(['kernel/vserver/a.c', 'kernel/vserver/late.c'], rules, series),
      hash: 'h',
    };
    const p = seriesPrefix(set, 2);
    expect(p.series).toEqual(['0001-a.patch', '0002-core.patch']);
    expect([...p.owners.keys()]).toEqual(['init/Kconfig']);
    expect(p.newFiles).toEqual(['kernel/vserver/a.c']);
    expect(seriesPrefix(set, 3).newFiles).toEqual(set.newFiles);
    expect(seriesPrefix(set, 0).newFiles).toEqual([]);
  });

  it('kernel-patch/: every new file is brought by a patch of the series, and the core comes before the patches that call it', async () => {
    const set = await readPatchSet();
    expect(set.bringers.size).toBe(set.newFiles.length);
    const core = set.series.findIndex((p) => p.endsWith('-vserver-core.patch'));
    expect(core).toBeGreaterThan(0);
    expect(set.bringers.get('kernel/vserver/context.c')).toBe(set.series[core]);
    expect(set.owners.get('kernel/fork.c')).toBe(set.series.find((p, i) => i > core && p.endsWith('-vserver-task-lifecycle.patch')));
  });

  it("picks the compiler's and linker's complaints out of a build log, and prints a line per prefix", () => {
    const log = [
      '  CC      kernel/fork.o',
      "kernel/fork.c:12:2: error: implicit declaration of function 'vx_task_fork'",
      "ld: kernel/fork.o: in function `copy_process': undefined reference to `vx_task_fork'",
      'make[2]: *** [scripts/Makefile.build:250: kernel/fork.o] Error 1',
      "kernel/fork.c:12:2: error: implicit declaration of function 'vx_task_fork'",
    ].join('\n');
    expect(buildErrors(log)).toEqual([
      "kernel/fork.c:12:2: error: implicit declaration of function 'vx_task_fork'",
      "ld: kernel/fork.o: in function `copy_process': undefined reference to `vx_task_fork'",
      'make[2]: *** [scripts/Makefile.build:250: kernel/fork.o] Error 1',
    ]);
    expect(buildErrors('  CC      kernel/error.o\n  LD      vmlinux\n')).toEqual([]);
    const built = [
      'vslab-fragments.config:168:warning: override: reassigning to symbol NAMESPACES',
      '  CC      kernel/vserver/inode.o',
      "kernel/vserver/inode.c:80:13: warning: 'vx_old' defined but not used [-Wunused-function]",
    ].join('\n');
    expect(buildWarnings(built)).toEqual(["kernel/vserver/inode.c:80:13: warning: 'vx_old' defined but not used [-Wunused-function]"]);
    const warned = formatPrefixResult({ count: 8, total: 33, patch: '0008-c.patch', built: true, errors: [], warnings: buildWarnings(built), seconds: 9 });
    expect(warned.split('\n')[0]).toMatch(/0008-c\.patch +BUILDS WITH WARNINGS \(9 s\)$/);
    const ok = formatPrefixResult({
      count: 3,
      total: 33,
      patch: '0003-vserver-task-xid.patch',
      built: true,
      errors: [],
      warnings: [],
      booted: true,
      seconds: 41,
    });
    expect(ok).toMatch(/^ 3\/33 0003-vserver-task-xid\.patch +builds boots \(41 s\)$/);
    const bad = formatPrefixResult({ count: 9, total: 33, patch: '0009-x.patch', built: false, errors: ['a.c:1: error: b'], warnings: [], seconds: 5 });
    expect(bad.split('\n')).toEqual([expect.stringMatching(/^ 9\/33 0009-x\.patch +DOES NOT BUILD \(5 s\)$/), '    a.c:1: error: b']);
  });
});

describe('the series exported for git am', () => {
  const patchText = [
    'vserver: a hook',
    '',
    'Why the hook is there.',
    '',
    '---',
    ' kernel/fork.c | 1 +',
    '',
    'diff -up a/kernel/fork.c b/kernel/fork.c',
    '--- a/kernel/fork.c',
    '+++ b/kernel/fork.c',
    '@@ -1,2 +1,3 @@',
    ' int a;',
    '+int hook;',
    ' int b;',
    '',
  ].join('\n');

  it('writes only into a new or empty directory or over an earlier series: anything else there is refused and kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vslab-out-'));
    try {
      await clearExport(join(dir, 'new'));
      await writeFile(join(dir, 'new', '0001-old.patch'), 'x');
      await writeFile(join(dir, 'new', 'series'), '0001-old.patch\n');
      await clearExport(join(dir, 'new'));
      expect(await readdir(join(dir, 'new'))).toEqual([]);
      await writeFile(join(dir, 'notes.txt'), 'mine');
      await expect(clearExport(dir)).rejects.toThrow(/holds new, notes.txt: give a new or empty directory/);
      expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('splits a patch of kernel-patch/ into subject, body and one diff per file', () => {
    const p = splitPatch(patchText);
    expect(p.subject).toBe('vserver: a hook');
    expect(p.body).toBe('Why the hook is there.');
    expect(p.diffs.map((d) => d.path)).toEqual(['kernel/fork.c']);
  });

  it('writes a self-contained message that git am and patch -p1 both apply: the edit and the new files it brings', async () => {
    const msg = formatMessage(splitPatch(patchText), 3, 12, [
      { path: 'kernel/vserver/hook.c', content: 'int hook;\n' },
      { path: 'kernel/vserver/raw.h', content: 'no newline' },
    ]);
    expect(msg).toContain('Subject: [PATCH 03/12] vserver: a hook\n');
    expect(msg).toContain(' 3 files changed, 3 insertions(+), 0 deletions(-)');
    expect(creationDiff('x/y.c', 'a\nb\n')).toBe('diff -up /dev/null b/x/y.c\n--- /dev/null\n+++ b/x/y.c\n@@ -0,0 +1,2 @@\n+a\n+b\n');
    for (const tool of ['git am', 'patch -p1']) {
      const dir = await mkdtemp(join(tmpdir(), 'vslab-series-'));
      try {
        await mkdir(join(dir, 'kernel'));
        await writeFile(join(dir, 'kernel/fork.c'), 'int a;\nint b;\n');
        await writeFile(join(dir, 'm.patch'), msg);
        if (tool === 'git am') {
          const git = (...args: string[]) => execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir });
          await git('init', '-q');
          await git('add', 'kernel');
          await git('commit', '-qm', 'base');
          await git('am', '-q', 'm.patch');
          expect((await git('log', '-1', '--format=%s')).stdout).toBe('vserver: a hook');
        } else {
          await execa('patch', ['-p1', '--batch', '-s', '-i', 'm.patch'], { cwd: dir });
        }
        expect(await readFile(join(dir, 'kernel/fork.c'), 'utf8')).toBe('int a;\nint hook;\nint b;\n');
        expect(await readFile(join(dir, 'kernel/vserver/hook.c'), 'utf8')).toBe('int hook;\n');
        expect(await readFile(join(dir, 'kernel/vserver/raw.h'), 'utf8')).toBe('no newline');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });
});

describe('newc cpio writer', () => {
  it('writes an archive cpio(1) lists and extracts with modes, links and device nodes', async () => {
    const archive = buildCpio([
      { kind: 'dir', path: 'bin', mode: 0o755 },
      { kind: 'file', path: 'bin/hello', mode: 0o755, data: Buffer.from('#!/bin/sh\necho hi\n') },
      { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
      { kind: 'char', path: 'console', mode: 0o600, major: 5, minor: 1 },
    ]);
    expect(archive.length % 512).toBe(0);
    const dir = await mkdtemp(join(tmpdir(), 'vslab-cpio-'));
    await writeFile(join(dir, 'a.cpio'), archive);
    const list = await execa('cpio', ['-itv', '--quiet', '-F', join(dir, 'a.cpio')]);
    expect(list.stdout).toMatch(/^drwxr-xr-x .* bin$/m);
    expect(list.stdout).toMatch(/^-rwxr-xr-x .* bin\/hello$/m);
    expect(list.stdout).toMatch(/^lrwxrwxrwx .* bin\/sh -> busybox$/m);
    expect(list.stdout).toMatch(/^crw------- .*5,\s+1 .* console$/m);
    await execa('cpio', ['-id', '--quiet', '--no-absolute-filenames', '-F', join(dir, 'a.cpio')], { cwd: dir });
    expect(await readFile(join(dir, 'bin/hello'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(await readlink(join(dir, 'bin/sh'))).toBe('busybox');
  });

  it('is reproducible', () => {
    const entries = [{ kind: 'file' as const, path: 'x', mode: 0o644, data: Buffer.from('x') }];
    expect(buildCpio(entries).equals(buildCpio(entries))).toBe(true);
  });
});

describe('the kernel cache', () => {
  it('a cached image that no longer matches the sha256 its manifest recorded is a miss (built again), not booted', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'vslab-cache-'));
    const saved = process.env['VSLAB_CACHE'];
    process.env['VSLAB_CACHE'] = cache;
    try {
      const { key } = await kernelKey('i386', 'vanilla');
      const dir = join(cache, 'kernels', key);
      await mkdir(dir, { recursive: true });
      const image = Buffer.from('a kernel image');
      const manifest = { arch: 'i386', variant: 'vanilla', key, imageSha256: createHash('sha256').update(image).digest('hex') };
      await writeFile(join(dir, 'bzImage'), image);
      await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
      expect((await cachedKernel('i386', 'vanilla'))?.image).toBe(join(dir, 'bzImage'));
      await writeFile(join(dir, 'bzImage'), image.subarray(0, 7)); // truncated, as by a full disk
      expect(await cachedKernel('i386', 'vanilla')).toBeUndefined();
      await rm(join(dir, 'bzImage'));
      expect(await cachedKernel('i386', 'vanilla')).toBeUndefined();
      // A manifest from before the checksum was recorded is trusted as it was.
      await writeFile(join(dir, 'bzImage'), image.subarray(0, 7));
      await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, imageSha256: undefined }));
      expect(await cachedKernel('i386', 'vanilla')).toBeDefined();
    } finally {
      if (saved === undefined) delete process.env['VSLAB_CACHE'];
      else process.env['VSLAB_CACHE'] = saved;
      await rm(cache, { recursive: true, force: true });
    }
  });
});
