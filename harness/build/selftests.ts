/**
 * The kernel's own selftests (tools/testing/selftests of Debian's linux-source-6.1), built for the
 * guest: static programs for i386 (the i686 cross compiler and its static glibc) or x86_64 (the
 * host's x86_64-linux-gnu-gcc and static glibc), with the libraries some tests link (libcap,
 * libcap-ng, libpopt, libfuse, libnuma) taken as Debian -dev packages of the guest's architecture
 * through the private apt configuration busybox uses (busybox.ts: no foreign dpkg architecture on
 * the host, `dpkg-deb -x` into the cache). What differs between the two (compiler, multiarch
 * directory, tools/' ARCH=) is read from the arch table (machine/arch.ts).
 *
 * The pristine source is never written to: `make headers` runs out of tree, and the tests build in
 * a copy of tools/ with those headers beside it. Each collection builds on its own with `make -k`,
 * so one program that does not build costs only itself; the installed tree is assembled here (what
 * each collection's Makefile lists, with its SUBDIRS as its install rule puts them, the programs
 * stripped) with the kernel's own runner
 * (run_kselftest.sh, kselftest/runner.sh) and a kselftest-list.txt of the tests that did build.
 * Every program that does not build is named in the manifest with its reason (DROPPED below) or,
 * when it is not one we know of, as unexpected.
 *
 * The result is cached like the kernels, under a hash of everything that went into it, and packed
 * as a second initramfs (newc cpio) that puts the tree at /opt/kselftest: the boot concatenates it
 * with the guest image (guest.ts `extraInitrds`), and the kernel unpacks both.
 */
import { copyFile, lstat, mkdir, open, readdir, readFile, readlink, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { execa } from 'execa';
import { BuildError, PrerequisiteError, UsageError } from '../errors.ts';
import { compilerVersion, pathExists, which } from '../host.ts';
import { archInfo, type Arch } from '../machine/arch.ts';
import { cacheRoot } from '../paths.ts';
import { aptOptions, debianArch, privateAptRoot, privateAptUpdate } from './busybox.ts';
import { buildCpio, type CpioEntry } from './cpio.ts';
import { pristineSource } from './debian-source.ts';
import { newHash, shortDigest } from './hash.ts';
import { runStep, type Progress } from './step.ts';

const RECIPE = 'selftests-recipe-3';

/** The architectures the selftests build for. */
export const SELFTEST_ARCHES: readonly Arch[] = ['i386', 'x86_64'];

/** Where the tree lands in the guest. */
export const GUEST_SELFTEST_DIR = '/opt/kselftest';

/** The collections we build (issue #22), in tools/testing/selftests' order. */
export const SELFTEST_COLLECTIONS = [
  'capabilities',
  'clone3',
  'exec',
  'filesystems',
  'futex',
  'ipc',
  'kcmp',
  'landlock',
  'membarrier',
  'memfd',
  'mincore',
  'mount',
  'mount_setattr',
  'move_mount_set_group',
  'mqueue',
  'net',
  'nsfs',
  'openat2',
  'pid_namespace',
  'pidfd',
  'prctl',
  'proc',
  'ptrace',
  'rlimits',
  'rseq',
  'seccomp',
  'sigaltstack',
  'splice',
  'sysctl',
  'timens',
  'timers',
  'tmpfs',
] as const;

/** Debian -dev packages (of the guest's architecture) whose static libraries (.a) and headers the tests link. */
export const LIBRARY_PACKAGES = ['libcap-dev', 'libcap-ng-dev', 'libpopt-dev', 'libfuse-dev', 'libnuma-dev'] as const;

/**
 * What does not build statically or means nothing there, and why ("collection:file" → reason):
 * left out of the tree even when make produced it (on the architectures DROPPED_ON names for it,
 * otherwise on all). A missing file not named here is reported as unexpected.
 */
const NOT_PIE =
  'meant as a dynamic PIE: linked -static it becomes a fixed-address executable, so the load-address alignment it checks does not apply (and the 16 MiB page-size one is 50 MB)';
export const DROPPED: Readonly<Record<string, string>> = {
  'exec:load_address.0x1000': NOT_PIE,
  'exec:load_address.0x200000': NOT_PIE,
  'exec:load_address.0x1000000': NOT_PIE,
  'exec:load_address.static.0x1000': '-static-pie cannot be combined with the -static every program is linked with',
  'exec:load_address.static.0x200000': '-static-pie cannot be combined with the -static every program is linked with',
  'exec:load_address.static.0x1000000': '-static-pie cannot be combined with the -static every program is linked with',
  'proc:proc-empty-vm': 'x86_64 only: its "unmap everything" step is written for x86_64 and #errors elsewhere',
  'timers:valid-adjtimex': 'defines its own clock_adjtime(), which static glibc also defines (multiple definition at link time)',
  'net:tls': "does not compile against 6.1.192's own tls.c helpers (tls_crypto_info_init argument count; a stable-backport mismatch)",
  'net:nat6to4.o': 'a BPF object: needs clang and bpftool, which the host lacks (not a test program)',
  'rseq:librseq.so': "not needed: the tests link librseq.a statically; x86_64's ld refuses a -static -shared link (crtbeginT.o is not PIC)",
};

/** The entries of DROPPED that hold only on some architectures. */
const DROPPED_ON: Readonly<Record<string, readonly Arch[]>> = {
  'proc:proc-empty-vm': ['i386'],
  'rseq:librseq.so': ['x86_64'],
};

/** DROPPED as it holds on `arch` (in DROPPED's order: the cache key hashes it). */
export function droppedOn(arch: Arch): Record<string, string> {
  return Object.fromEntries(Object.entries(DROPPED).filter(([item]) => DROPPED_ON[item]?.includes(arch) ?? true));
}

/**
 * How a collection is built when the defaults do not fit: extra make arguments (command-line
 * variables override the Makefile's own assignments).
 */
function targetMakeArgs(collection: string, headers: string, arch: Arch): string[] {
  // openat2 builds with -fsanitize=address,undefined: ASan cannot be linked statically. Built
  // without the sanitizers it is the same test.
  if (collection === 'openat2') return [`CFLAGS=-Wall -O2 -g -isystem ${headers}`];
  // rseq's programs depend on librseq.so, linked with the -static that CC carries: i386's ld
  // makes one (which the programs, linked -static, do not use: they take librseq.a), x86_64's
  // refuses (crtbeginT.o is not PIC). Without the dependency the programs build as on i386.
  if (collection === 'rseq' && arch === 'x86_64') return ['TEST_GEN_PROGS_EXTENDED='];
  return [];
}

export interface SelftestBuild {
  arch: Arch;
  key: string;
  /** The installed tree (host side). */
  tree: string;
  /** The tree packed as an initramfs addendum, at GUEST_SELFTEST_DIR. */
  cpio: string;
  /** Built tests, "collection:test", in run order. */
  tests: string[];
  /** Programs and files that did not build, with the reason. */
  notBuilt: { item: string; reason: string; expected: boolean }[];
  /** The Debian library packages (.deb names) linked in. */
  libraries: string[];
}

/** Downloads (once) and unpacks the library packages into a sysroot; returns it and the .deb names. */
async function fetchLibraries(arch: Arch, progress: Progress): Promise<{ sysroot: string; debs: string[] }> {
  const root = privateAptRoot(arch);
  const darch = debianArch(arch);
  const debDir = join(root, 'selftest-debs');
  const logPath = join(cacheRoot(), 'logs', `selftests-libs-${arch}.log`);
  await mkdir(debDir, { recursive: true });
  const have = async (): Promise<string[] | undefined> => {
    const names = (await readdir(debDir)).filter((n) => n.endsWith('.deb')).sort();
    const picked = LIBRARY_PACKAGES.map((p) => names.filter((n) => n.startsWith(`${p}_`)).pop());
    return picked.every((n) => n !== undefined) ? (picked as string[]) : undefined;
  };
  let debs = await have();
  if (debs === undefined) {
    progress(`fetching ${LIBRARY_PACKAGES.join(', ')} (${darch}) with the private apt configuration`);
    const download = (): Promise<string> =>
      runStep(`apt-get download (${darch}, private)`, 'apt-get', [...aptOptions(root, darch), 'download', ...LIBRARY_PACKAGES.map((p) => `${p}:${darch}`)], {
        logPath,
        cwd: debDir,
      });
    try {
      await download();
    } catch (err) {
      if (!(err instanceof BuildError)) throw err;
      await privateAptUpdate(arch, logPath, progress);
      await download();
    }
    debs = await have();
    if (debs === undefined) throw new PrerequisiteError(LIBRARY_PACKAGES.join(' '), `apt-get download left some out; see ${logPath}`);
  }
  const h = newHash();
  h.update(debs.join('\0'));
  const sysroot = join(root, 'unpacked', `selftest-libs-${shortDigest(h)}`);
  if (!(await pathExists(join(sysroot, '.complete')))) {
    await rm(sysroot, { recursive: true, force: true });
    await mkdir(sysroot, { recursive: true });
    for (const deb of debs) await runStep(`unpack ${deb}`, 'dpkg-deb', ['-x', join(debDir, deb), sysroot], { logPath });
    await writeFile(join(sysroot, '.complete'), '');
  }
  return { sysroot, debs };
}

/** The lists a collection's Makefile installs, printed by a makefile read after its own. */
const PRINT_LISTS_MK = `vslab-print-lists:
\t@echo 'progs: $(TEST_GEN_PROGS) $(TEST_CUSTOM_PROGS) $(TEST_PROGS)'
\t@echo 'files: $(TEST_PROGS_EXTENDED) $(TEST_FILES) $(TEST_GEN_PROGS_EXTENDED) $(TEST_GEN_FILES) $(wildcard config settings)'
\t@echo 'subdirs: $(SUBDIRS)'
`;

async function isElf(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return bytesRead === 4 && buf.toString('latin1') === '\x7fELF';
  } finally {
    await fh.close();
  }
}

/** Copies a file, a symlink or a directory tree (as rsync -a would, links kept). */
async function copyItem(from: string, to: string): Promise<void> {
  const st = await lstat(from);
  if (st.isDirectory()) {
    await execa('cp', ['-a', from, to]);
  } else if (st.isSymbolicLink()) {
    await execa('cp', ['-a', from, to]);
  } else {
    await copyFile(from, to);
    await execa('chmod', [(st.mode & 0o7777).toString(8), to]);
  }
}

async function cpioEntries(tree: string, prefix: string): Promise<CpioEntry[]> {
  const out: CpioEntry[] = [];
  const parts = prefix.split('/').filter((p) => p !== '');
  for (let i = 1; i <= parts.length; i++) out.push({ kind: 'dir', path: parts.slice(0, i).join('/'), mode: 0o755 });
  async function walk(dir: string): Promise<void> {
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      const path = join(prefix.replace(/^\//, ''), relative(tree, p));
      const st = await lstat(p);
      if (e.isDirectory()) {
        out.push({ kind: 'dir', path, mode: st.mode & 0o7777 });
        await walk(p);
      } else if (e.isSymbolicLink()) {
        out.push({ kind: 'symlink', path, target: await readlink(p) });
      } else if (e.isFile()) {
        out.push({ kind: 'file', path, mode: st.mode & 0o7777, data: await readFile(p) });
      }
    }
  }
  await walk(tree);
  return out;
}

/** Builds (or finds in the cache) the selftests for `arch`. */
export async function buildSelftests(arch: Arch, progress: Progress = () => undefined): Promise<SelftestBuild> {
  if (!SELFTEST_ARCHES.includes(arch)) throw new UsageError(`selftests: built for ${SELFTEST_ARCHES.join(' and ')} only (not ${arch})`);
  const info = archInfo(arch);
  const cc = `${info.gnuPrefix}gcc`;
  if ((await which(cc)) === undefined) throw new PrerequisiteError(cc, `Debian packages ${info.guestCcPackages}; run scripts/setup`);
  const dropped = droppedOn(arch);
  const source = await pristineSource(progress);
  const libs = await fetchLibraries(arch, progress);
  const h = newHash();
  h.update(`${RECIPE}\0${arch}\0${source.debianVersion}\0${(await compilerVersion(cc)) ?? cc}\0${libs.debs.join(',')}\0`);
  // The make arguments themselves, not targetMakeArgs' source text: vitest transforms the module
  // and node strips its types differently, so the text (and the key) differed between
  // `npm run test:selftests` and `vslab selftests`, and each built a tree of its own.
  const makeArgs = SELFTEST_COLLECTIONS.map((c) => `${c}=${JSON.stringify(targetMakeArgs(c, '<headers>', arch))}`).join(';');
  h.update(`${SELFTEST_COLLECTIONS.join(',')}\0${JSON.stringify(dropped)}\0${makeArgs}\0${PRINT_LISTS_MK}\0`);
  const key = `${arch}-${shortDigest(h)}`;
  const out = join(cacheRoot(), 'selftests', key);
  const manifestPath = join(out, 'manifest.json');
  if (await pathExists(manifestPath)) return JSON.parse(await readFile(manifestPath, 'utf8')) as SelftestBuild;

  progress(`selftests (${arch}): building ${SELFTEST_COLLECTIONS.length} collections from ${source.debianVersion}`);
  const work = join(cacheRoot(), 'selftests', `${key}.work-${process.pid}`);
  const logPath = join(cacheRoot(), 'logs', `selftests-${arch}.log`);
  await rm(work, { recursive: true, force: true });
  await mkdir(join(work, 'tree', 'scripts'), { recursive: true });
  await writeFile(logPath, '');
  // Kernel headers: out of tree, the pristine source stays untouched.
  progress('selftests: make headers');
  await runStep('make headers', 'make', ['-s', '-C', source.dir, `O=${join(work, 'obj')}`, `ARCH=${info.kernelArch}`, 'headers'], { logPath });
  const tree = join(work, 'tree');
  await execa('cp', ['-a', join(source.dir, 'tools'), tree]);
  await copyFile(join(source.dir, 'scripts', 'subarch.include'), join(tree, 'scripts', 'subarch.include'));
  await mkdir(join(tree, 'usr'), { recursive: true });
  await execa('cp', ['-a', join(work, 'obj', 'usr', 'include'), join(tree, 'usr', 'include')]);
  const headers = join(tree, 'usr', 'include');
  const sel = join(tree, 'tools', 'testing', 'selftests');
  const libdir = join(libs.sysroot, 'usr', 'lib', info.multiarch);
  const ccLine = `${cc} -static -isystem ${join(libs.sysroot, 'usr', 'include')} -L${libdir}`;
  // rseq links its tests against librseq.so; statically they need librseq.a, built with the
  // flags its Makefile gives librseq.so.
  const rseq = join(sel, 'rseq');
  await runStep(
    'librseq.a',
    cc,
    ['-O2', '-Wall', '-g', `-I${rseq}`, '-isystem', headers, `-I${join(tree, 'tools', 'include')}`, '-c', join(rseq, 'rseq.c'), '-o', join(rseq, 'rseq.o')],
    { logPath },
  );
  await runStep('librseq.a', `${info.gnuPrefix}ar`, ['rcs', join(rseq, 'librseq.a'), join(rseq, 'rseq.o')], { logPath });
  await writeFile(join(work, 'print-lists.mk'), PRINT_LISTS_MK);

  const install = join(work, 'install');
  await mkdir(join(install, 'kselftest'), { recursive: true });
  const tests: string[] = [];
  const notBuilt: SelftestBuild['notBuilt'] = [];
  const common = [`ARCH=${info.toolsArch}`, `CROSS_COMPILE=${info.gnuPrefix}`, `CC=${ccLine}`];
  for (const t of SELFTEST_COLLECTIONS) {
    progress(`selftests: ${t}`);
    try {
      await runStep(`build selftests ${t}`, 'make', ['-k', '-j2', '-C', sel, ...common, ...targetMakeArgs(t, headers, arch), `TARGETS=${t}`, 'all'], {
        logPath,
      });
    } catch (err) {
      // make -k went on past what does not build; what is missing is listed below.
      if (!(err instanceof BuildError)) throw err;
    }
    // A collection's Makefile may build part of it in SUBDIRS (futex: functional/, whose run.sh
    // the collection's run.sh enters); its install rule puts each at INSTALL_PATH/<subdir>. The
    // subdirectories' programs are not tests of the runner's list: the collection's script runs
    // them. Without them futex's run.sh, failing to cd, ran itself again without end: a chain of
    // shells that filled the guest's memory until the runner's timeout or the OOM killer.
    const installDir = async (dir: string, dest: string, prefix: string, isTopLevel: boolean): Promise<void> => {
      const lists = await runStep(
        `list selftests ${t}${prefix !== '' ? `/${prefix}` : ''}`,
        'make',
        ['-s', '--no-print-directory', '-C', dir, '-f', 'Makefile', '-f', join(work, 'print-lists.mk'), `OUTPUT=${dir}`, ...common, 'vslab-print-lists'],
        {
          logPath: join(work, 'lists.log'),
        },
      );
      const field = (name: string): string[] => (new RegExp(`^${name}: (.*)$`, 'm').exec(lists)?.[1] ?? '').split(/\s+/).filter((w) => w !== '');
      await mkdir(dest, { recursive: true });
      const seen = new Set<string>();
      const place = async (item: string, isTest: boolean): Promise<void> => {
        const from = resolve(dir, item);
        const base = from.split('/').pop() ?? item;
        if (seen.has(base)) return;
        seen.add(base);
        const name = prefix !== '' ? `${prefix}/${base}` : base;
        const reason = dropped[`${t}:${name}`];
        if (reason !== undefined || !(await pathExists(from))) {
          notBuilt.push({ item: `${t}:${name}`, reason: reason ?? 'did not build (see the selftests log)', expected: reason !== undefined });
          return;
        }
        await copyItem(from, join(dest, base));
        if (isTest) tests.push(`${t}:${base}`);
      };
      for (const p of field('progs')) await place(p, isTopLevel);
      for (const f of field('files')) await place(f, false);
      for (const sub of field('subdirs')) await installDir(join(dir, sub), join(dest, sub), prefix !== '' ? `${prefix}/${sub}` : sub, false);
    };
    await installDir(join(sel, t), join(install, t), '', true);
  }
  // The runner, as the top-level Makefile's install puts it.
  await copyFile(join(sel, 'run_kselftest.sh'), join(install, 'run_kselftest.sh'));
  for (const f of ['runner.sh', 'prefix.pl', 'module.sh']) await copyFile(join(sel, 'kselftest', f), join(install, 'kselftest', f));
  await execa('chmod', ['755', join(install, 'run_kselftest.sh'), ...['runner.sh', 'prefix.pl', 'module.sh'].map((f) => join(install, 'kselftest', f))]);
  await writeFile(join(install, 'kselftest-list.txt'), `${tests.join('\n')}\n`);
  // Strip the programs: the tree travels in the guest's RAM.
  const { stdout } = await execa('find', [install, '-type', 'f']);
  for (const f of stdout.split('\n').filter((l) => l !== '')) {
    if (await isElf(f)) await execa(`${info.gnuPrefix}strip`, [f], { reject: false });
  }
  const final = join(work, 'final');
  await mkdir(final, { recursive: true });
  await rename(install, join(final, 'tree'));
  await writeFile(join(final, 'selftests.cpio'), buildCpio(await cpioEntries(join(final, 'tree'), GUEST_SELFTEST_DIR)));
  const result: SelftestBuild = { arch, key, tree: join(out, 'tree'), cpio: join(out, 'selftests.cpio'), tests, notBuilt, libraries: libs.debs };
  await writeFile(join(final, 'manifest.json'), `${JSON.stringify(result, null, 2)}\n`);
  await rm(out, { recursive: true, force: true });
  await mkdir(dirname(out), { recursive: true });
  await rename(final, out);
  await rm(work, { recursive: true, force: true });
  return result;
}
