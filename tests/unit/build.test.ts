import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCpio } from '../../harness/build/cpio.ts';
import { buildKernel, cachedKernel, kernelKey } from '../../harness/build/kernel.ts';
import { configMismatches, fragmentNames, KNOWN_VARIANTS, parseConfig, VARIANTS } from '../../harness/build/kernel-config.ts';
import { formatDiffstat, formatSubsystems, subsystemOf, touchedPaths } from '../../harness/build/patch-tree.ts';

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
